package io.heliograph.gateway.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.gateway.config.GatewayConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * Per client address rate limit of the HTTP fallbacks (SSE opens and long-poll requests): a token
 * bucket of {@code fallback-request-rate} per second and {@code fallback-request-burst} per address.
 * Buckets that refilled completely are forgotten every minute, so the map holds only recently
 * active addresses (a request racing that sweep may get one request more). Thread-safe; never blocks.
 */
@ApplicationScoped
public class RequestRate {

    private final GatewayConfig config;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RequestRate(GatewayConfig config) {
        this.config = config;
    }

    /** Takes one request from the address's bucket; false when it is empty. */
    public boolean tryTake(String address) {
        return buckets.computeIfAbsent(address,
                a -> new TokenBucket(config.fallbackRequestRate(), config.fallbackRequestBurst())).tryTake();
    }

    /** Whole seconds until the next request is allowed once a bucket is empty, for {@code Retry-After}. */
    public long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(1.0 / config.fallbackRequestRate()));
    }

    @Scheduled(every = "60s", delayed = "60s")
    void forgetIdle() {
        buckets.values().removeIf(TokenBucket::isFull);
    }
}
