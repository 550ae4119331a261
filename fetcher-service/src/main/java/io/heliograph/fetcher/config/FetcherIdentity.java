package io.heliograph.fetcher.config;

import java.util.UUID;

import jakarta.inject.Singleton;

/** Who this replica is and the Redis keys it uses, derived once from {@link FetcherConfig}. */
@Singleton
public class FetcherIdentity {

    private final String instanceId;
    private final String prefix;

    public FetcherIdentity(FetcherConfig config) {
        this.instanceId = config.instanceId().orElse("fetcher-" + UUID.randomUUID().toString().substring(0, 8));
        this.prefix = config.redisKeyPrefix().orElse("");
    }

    public String instanceId() {
        return instanceId;
    }

    /** The User-Agent sent to every API: names the replica, so operators can tell who called. */
    public String userAgent() {
        return "heliograph-fetcher/1 (" + instanceId + ")";
    }

    /** The fleet lock: held by the replica that fetches and streams. */
    public String lockKey() {
        return prefix + "fetcher:lock";
    }

    /** The cached {@code dashboard-summary} JSON. */
    public String summaryKey() {
        return prefix + "crypto:dashboard-summary";
    }

    /** Hash: symbol -> latest {@code price-update} JSON. */
    public String latestPricesKey() {
        return prefix + "prices:latest";
    }

    /** Exists while a forced refresh may not run again. */
    public String refreshLimitKey() {
        return prefix + "fetcher:refresh-limit";
    }
}
