package io.heliograph.core.auth;

import java.util.Optional;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

/**
 * The one key that guards an endpoint of a service (the monitor's producer API, the fetcher's refresh, the relay's
 * example CRUD writes), sent as {@code Authorization: Bearer <key>} and compared as a {@link BearerSecret}. When no key
 * is configured the endpoint is either off (403 saying which setting enables it) or, where a service allows it, open.
 * Immutable and thread-safe.
 */
public final class BearerKey {

    private final Optional<BearerSecret> secret;
    private final String name;
    private final String whenUnset;

    private BearerKey(Optional<String> configured, String name, String whenUnset) {
        this.secret = configured.filter(k -> !k.isBlank()).map(BearerSecret::of);
        this.name = name;
        this.whenUnset = whenUnset;
    }

    /**
     * An endpoint that needs the key; without one configured it is off.
     *
     * @param name      what the key is called in answers, e.g. "producer key"
     * @param whenUnset the 403 detail while no key is configured: what is off and which setting enables it
     */
    public static BearerKey required(Optional<String> configured, String name, String whenUnset) {
        return new BearerKey(configured, name, whenUnset);
    }

    /** An endpoint open to anybody until a key is configured (dev mode conveniences), then it needs the key. */
    public static BearerKey ifConfigured(Optional<String> configured, String name) {
        return new BearerKey(configured, name, null);
    }

    public boolean configured() {
        return secret.isPresent();
    }

    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @throws ForbiddenException     403 when no key is configured and the endpoint is then off
     * @throws NotAuthorizedException 401 (challenge {@code Bearer}) when the key is missing or another one
     */
    public void check(String authorization) {
        if (secret.isEmpty()) {
            if (whenUnset != null) {
                throw new ForbiddenException(whenUnset);
            }
            return;
        }
        String presented = BearerSecret.presented(authorization).orElseThrow(() -> new NotAuthorizedException(
                "send the " + name + " as 'Authorization: Bearer <key>'", "Bearer"));
        if (!secret.get().matches(presented)) {
            throw new NotAuthorizedException("unknown " + name, "Bearer");
        }
    }
}
