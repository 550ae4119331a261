package io.heliograph.fetcher.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;

/**
 * What the packaged-fetcher ITs run against: the stubbed market APIs and a client of the shared
 * Redis (checked with a PING, so a missing Redis fails the class). Register it as a static
 * {@code @RegisterExtension} field; the class's own {@code @AfterAll} methods still see both.
 */
public final class ItBackends implements BeforeAllCallback, AfterAllCallback {

    public static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    private StubApis apis;
    private Vertx vertx;
    private RedisAPI redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        apis = new StubApis().start();
        vertx = Vertx.vertx();
        redis = RedisAPI.api(Redis.createClient(vertx, REDIS_URL));
        assertThat(redis.ping(List.of()).await().atMost(Duration.ofSeconds(10)).toString()).isEqualTo("PONG");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (apis != null) {
            apis.stop();
        }
    }

    public StubApis apis() {
        return apis;
    }

    public RedisAPI redis() {
        return redis;
    }
}
