package io.heliograph.fetcher.schedule;

import java.time.Duration;
import java.util.UUID;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * A lease in Redis naming the one replica that fetches and streams: {@code SET key token NX PX ttl}
 * to take it, a compare-and-expire script to keep it, a compare-and-delete script to give it back.
 * The token is unique per lock object, so a replica can only ever extend or release its own lease;
 * if its holder dies, the lease expires after {@code ttl} and the next replica to try takes it.
 *
 * <p>Guarantee: at any moment at most one token is stored, so at most one replica believes it holds
 * the lease, except for up to one tick after its lease expired unnoticed (a replica that stalls
 * longer than {@code ttl}); a stalled holder finds out on its next renewal and stops.
 */
public class FleetLock {

    private static final String RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) else return 0 end";

    private final ReactiveRedisDataSource redis;
    private final String key;
    private final String token;
    private final Duration ttl;

    public FleetLock(ReactiveRedisDataSource redis, String key, String owner, Duration ttl) {
        this.redis = redis;
        this.key = key;
        this.token = owner + ":" + UUID.randomUUID();
        this.ttl = ttl;
    }

    public String token() {
        return token;
    }

    /** Keeps the lease if it is ours, else tries to take it; true when this replica holds it afterwards. */
    public Uni<Boolean> acquireOrRenew() {
        return redis.execute("EVAL", RENEW, "1", key, token, Long.toString(ttl.toMillis()))
                .chain(renewed -> renewed != null && renewed.toLong() == 1 ? Uni.createFrom().item(true)
                        : redis.execute("SET", key, token, "NX", "PX", Long.toString(ttl.toMillis()))
                                .map(set -> set != null && "OK".equals(set.toString())));
    }

    /** Gives the lease back if it is still ours, so another replica can take it at once. */
    public Uni<Boolean> release() {
        return redis.execute("EVAL", RELEASE, "1", key, token).map(r -> r != null && r.toLong() == 1);
    }

    /** The token currently stored, or null. */
    public Uni<String> holder() {
        return redis.value(String.class).get(key);
    }
}
