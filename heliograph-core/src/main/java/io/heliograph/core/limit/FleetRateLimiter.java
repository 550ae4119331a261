package io.heliograph.core.limit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;

import io.heliograph.core.publish.PublishException;
import io.heliograph.core.publish.RedisScript;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;

/**
 * Rate limits that hold across every process of a service: one token bucket per limited name in Redis
 * ({@code heliograph/rate-limit.lua}, refilled by Redis's clock), from which each process leases tokens in small
 * batches and spends them locally, so a limited request costs a Redis round trip only once per lease.
 *
 * <p>Guarantees:
 * <ul>
 * <li>The fleet spends at most what the bucket gives: {@code perSecond} tokens a second plus a burst of
 * {@code perSecond}, and on top at most one lease per process, spent later than it was taken. A lease is at most
 * a {@value #LEASES_PER_SECOND}th of a second's tokens (and {@value #MAX_LEASE}) and is dropped after
 * {@link #LEASE_LIFE} unspent; tokens taken are never given back, so a fleet near its limit may see a request
 * refused up to one lease per process early.</li>
 * <li>A request that finds its process's lease spent waits for the next one, which is one Redis call: while Redis
 * does not answer, only requests that need a new lease wait (and fail as unavailable after the timeout).</li>
 * <li>Requests of one name are served in arrival order within a process; a request the bucket cannot serve fails
 * with {@link Exceeded}, carrying how long until it could pass.</li>
 * <li>Redis unreachable: the request fails with {@link PublishException.Reason#UNAVAILABLE} (nothing was done).</li>
 * </ul>
 * Thread-safe; never blocks.
 */
public final class FleetRateLimiter {

    /** A lease is this fraction of a second's tokens (at least 1, at most {@link #MAX_LEASE}). */
    static final int LEASES_PER_SECOND = 50;
    /** Leases stay small also for huge limits: a lifted limit costs about 20 Redis calls a second at 20,000/s. */
    static final int MAX_LEASE = 1000;
    /**
     * Tokens leased and not spent within this time are dropped. Long enough that a quiet publisher does not need
     * Redis for every request after a pause; the overshoot it allows stays one lease per process.
     */
    static final Duration LEASE_LIFE = Duration.ofSeconds(10);

    private static final RedisScript SCRIPT = RedisScript.load(RedisScript.RATE_LIMIT);
    private static final Uni<Void> GRANTED = Uni.createFrom().voidItem();

    private final Redis redis;
    private final String keyPrefix;
    private final Duration timeout;
    private final ConcurrentMap<String, Stock> stocks = new ConcurrentHashMap<>();

    /**
     * @param keyPrefix prefix of the bucket keys, naming the service, e.g. {@code hg:limit:relay:}
     * @param timeout   how long a lease may wait for Redis before the request fails as unavailable
     */
    public FleetRateLimiter(Redis redis, String keyPrefix, Duration timeout) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.timeout = timeout;
    }

    /** Refused: the fleet used up the bucket of a name. */
    public static final class Exceeded extends RuntimeException {

        private final Duration retryAfter;

        Exceeded(String name, Duration retryAfter) {
            super(name + " exceeded its rate limit", null, false, false);
            this.retryAfter = retryAfter;
        }

        /** How long until the refused request could pass. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Takes {@code tokens} from the bucket of {@code name}, which refills at {@code perSecond} (also its burst).
     * Completes at once from this process's lease when it holds enough.
     *
     * @return completes when taken; fails with {@link Exceeded} or {@link PublishException} (unavailable)
     */
    public Uni<Void> acquire(String name, int perSecond, int tokens) {
        // A request larger than the whole bucket could never pass; it waits for a full bucket instead.
        int n = Math.max(1, Math.min(tokens, perSecond));
        Stock stock = stocks.computeIfAbsent(name, k -> new Stock(keyPrefix + k, perSecond));
        synchronized (stock) {
            if (stock.waiting.isEmpty() && stock.take(n, System.nanoTime())) {
                return GRANTED;
            }
        }
        return Uni.createFrom().emitter(emitter -> stock.wait(new Waiter(name, n, emitter)));
    }

    private record Waiter(String name, int tokens, UniEmitter<? super Void> emitter) {
    }

    /** One name's tokens in this process: the unspent part of its last lease and the requests waiting for one. */
    private final class Stock {

        final String key;
        final int perSecond;
        final int lease;
        /** Guarded by this stock. */
        long tokens;
        long expiresAt;
        boolean leasing;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

        Stock(String key, int perSecond) {
            this.key = key;
            this.perSecond = perSecond;
            this.lease = Math.max(1, Math.min(MAX_LEASE, perSecond / LEASES_PER_SECOND));
        }

        /** Spends {@code n} local tokens if there are that many (guarded by this stock). */
        boolean take(int n, long now) {
            if (now - expiresAt > 0) {
                tokens = 0;
            }
            if (tokens >= n) {
                tokens -= n;
                return true;
            }
            return false;
        }

        void wait(Waiter waiter) {
            boolean lease;
            synchronized (this) {
                waiting.add(waiter);
                lease = !leasing;
                leasing = true;
            }
            if (lease) {
                lease();
            }
        }

        /** Asks the bucket for what the first waiter lacks, and a lease's worth more for those behind it. */
        private void lease() {
            long need;
            long want;
            synchronized (this) {
                take(0, System.nanoTime()); // drops an expired lease
                long queued = 0;
                for (Waiter w : waiting) {
                    queued += w.tokens();
                }
                need = Math.max(1, waiting.peek().tokens() - tokens);
                want = Math.min(perSecond, Math.max(need, queued - tokens + lease));
            }
            SCRIPT.call(redis, List.of(key), List.of(Integer.toString(perSecond), Integer.toString(perSecond),
                            Long.toString(need), Long.toString(want)))
                    .ifNoItem().after(timeout).fail()
                    .subscribe().with(this::leased, this::failed);
        }

        private void leased(Response reply) {
            long granted = reply.get(0).toLong();
            long waitMillis = reply.get(1).toLong();
            List<Waiter> served = new ArrayList<>();
            List<Waiter> refused = new ArrayList<>();
            boolean again = false;
            synchronized (this) {
                long now = System.nanoTime();
                take(0, now);
                if (granted > 0) {
                    tokens += granted;
                    expiresAt = now + LEASE_LIFE.toNanos();
                }
                while (!waiting.isEmpty() && take(waiting.peek().tokens(), now)) {
                    served.add(waiting.poll());
                }
                if (granted == 0) {
                    refused.addAll(waiting);
                    waiting.clear();
                }
                if (waiting.isEmpty()) {
                    leasing = false;
                } else {
                    again = true;
                }
            }
            served.forEach(w -> w.emitter().complete(null));
            Duration retryAfter = Duration.ofMillis(Math.max(1, waitMillis));
            refused.forEach(w -> w.emitter().fail(new Exceeded(w.name(), retryAfter)));
            if (again) {
                lease();
            }
        }

        private void failed(Throwable failure) {
            List<Waiter> failed;
            synchronized (this) {
                failed = new ArrayList<>(waiting);
                waiting.clear();
                leasing = false;
            }
            PublishException unavailable = new PublishException(PublishException.Reason.UNAVAILABLE,
                    "Redis did not answer the rate limiter" + (failure instanceof TimeoutException ? " in time" : " ("
                    + failure.getMessage() + ")") + "; nothing was published, retry shortly", failure);
            failed.forEach(w -> w.emitter().fail(unavailable));
        }
    }
}
