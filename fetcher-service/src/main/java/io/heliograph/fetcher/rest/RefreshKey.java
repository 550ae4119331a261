package io.heliograph.fetcher.rest;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

import io.heliograph.core.auth.BearerSecret;
import io.heliograph.fetcher.config.FetcherConfig;
import io.quarkus.runtime.LaunchMode;

/**
 * Who may force a refresh: it costs upstream API quota, so in production only holders of the
 * refresh key; in dev and test mode anyone, unless a key is set. Checked before the fleet-wide
 * limiter, so a stranger cannot use up the refresh slot. Thread-safe.
 */
@ApplicationScoped
public class RefreshKey {

    private final Optional<BearerSecret> key;
    private final boolean production;

    public RefreshKey(FetcherConfig config) {
        this.key = config.refreshKey().filter(k -> !k.isBlank()).map(BearerSecret::of);
        this.production = !LaunchMode.current().isDevOrTest();
    }

    /**
     * @throws ForbiddenException 403 in production when no key is configured
     * @throws NotAuthorizedException 401 when a key is configured and not presented
     */
    void check(String authorization) {
        if (key.isEmpty()) {
            if (production) {
                throw new ForbiddenException("forced refreshes are disabled: set HELIOGRAPH_FETCHER_REFRESH_KEY "
                        + "(heliograph.fetcher.refresh-key) and send it as 'Authorization: Bearer <key>'");
            }
            return;
        }
        String presented = BearerSecret.presented(authorization).orElseThrow(
                () -> new NotAuthorizedException("send the refresh key as 'Authorization: Bearer <key>'", "Bearer"));
        if (!key.get().matches(presented)) {
            throw new NotAuthorizedException("unknown refresh key", "Bearer");
        }
    }
}
