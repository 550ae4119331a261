package io.heliograph.relay.health;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.heliograph.relay.config.RelayConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * Ready while Redis answers a PING within {@code heliograph.relay.readiness-timeout}. It replaces the Redis client's
 * own check, which waits up to the client's whole command timeout (10 s) for a frozen Redis, longer than a probe
 * waits: a relay whose Redis does not answer is taken out of the load balancer at once instead.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

    private final RedisAPI redis;
    private final RelayConfig config;

    public RedisReadiness(Redis redis, RelayConfig config) {
        this.redis = RedisAPI.api(redis);
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return redis.ping(List.of())
                .map(pong -> HealthCheckResponse.named("redis").up().build())
                .ifNoItem().after(config.readinessTimeout())
                .recoverWithItem(() -> down("no answer to PING within " + config.readinessTimeout().toMillis() + " ms"))
                .onFailure().recoverWithItem(e -> down(String.valueOf(e.getMessage())));
    }

    private static HealthCheckResponse down(String why) {
        return HealthCheckResponse.named("redis").down().withData("reason", why).build();
    }
}
