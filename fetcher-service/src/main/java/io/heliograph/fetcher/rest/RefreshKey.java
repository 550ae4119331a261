package io.heliograph.fetcher.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

import io.heliograph.core.auth.BearerKey;
import io.heliograph.fetcher.config.FetcherConfig;
import io.quarkus.runtime.LaunchMode;

/**
 * Who may force a refresh: it costs upstream API quota, so in production only holders of the
 * refresh key; in dev and test mode anyone, unless a key is set. Checked before the fleet-wide
 * limiter, so a stranger cannot use up the refresh slot. Thread-safe.
 */
@ApplicationScoped
public class RefreshKey {

    private final BearerKey key;

    public RefreshKey(FetcherConfig config) {
        this.key = LaunchMode.current().isDevOrTest() ? BearerKey.ifConfigured(config.refreshKey(), "refresh key")
                : BearerKey.required(config.refreshKey(), "refresh key", "forced refreshes are disabled: set "
                        + "HELIOGRAPH_FETCHER_REFRESH_KEY (heliograph.fetcher.refresh-key) and send it as "
                        + "'Authorization: Bearer <key>'");
    }

    /**
     * @throws ForbiddenException 403 in production when no key is configured
     * @throws NotAuthorizedException 401 when a key is configured and not presented
     */
    void check(String authorization) {
        key.check(authorization);
    }
}
