package io.heliograph.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

class ClientLoadTest {

    @Test
    void busyFractionIsLoopCpuOverWallTime() {
        ClientLoad.Sample from = new ClientLoad.Sample(new long[] {0, 0}, new double[] {0, 0}, 0, 0);
        ClientLoad.Sample to = new ClientLoad.Sample(new long[] {900_000_000L, 300_000_000L}, new double[] {1, 2},
                1_500_000_000L, 1_000_000_000L);
        ClientLoad.Usage usage = ClientLoad.Usage.between(from, to);
        assertThat(usage.loops()).containsExactly(0.9, 0.3);
        assertThat(usage.processCores()).isEqualTo(1.5);
        assertThat(usage.busiest()).isEqualTo(0.9);
        assertThat(usage.saturated()).isTrue();
        assertThat(usage.describe()).contains("event loops 90% 30%").contains("CLIENT SATURATED");
    }

    @Test
    void aLateLoopCountsAsSaturatedEvenAtLowCpu() {
        ClientLoad.Sample from = new ClientLoad.Sample(new long[] {0}, new double[] {0}, 0, 0);
        ClientLoad.Usage idle = ClientLoad.Usage.between(from,
                new ClientLoad.Sample(new long[] {100_000_000L}, new double[] {1.0}, 0, 1_000_000_000L));
        ClientLoad.Usage late = ClientLoad.Usage.between(from,
                new ClientLoad.Sample(new long[] {100_000_000L}, new double[] {35.0}, 0, 1_000_000_000L));
        assertThat(idle.saturated()).isFalse();
        assertThat(idle.describe()).contains("client not saturated");
        assertThat(late.saturated()).isTrue();
    }

    @Test
    void aBlockedEventLoopShowsAsLate() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try (ClientLoad load = new ClientLoad(ClientLoad.loopsOf(vertx))) {
            Thread.sleep(100);
            ClientLoad.Sample before = load.sample();
            // 300 ms of work on the loop: the lag probe runs about that late, and the loop's CPU time shows it.
            ClientLoad.loopsOf(vertx).get(0).submit(() -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                long spin = 0;
                while (System.nanoTime() < end) {
                    spin++;
                }
                return spin;
            }).get(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            ClientLoad.Usage usage = ClientLoad.Usage.between(before, load.sample());
            assertThat(usage.worstLagP99Ms()).isGreaterThan(200);
            // Its CPU share is not asserted: on a machine where other processes compete the spin may get little of a CPU
            // (which is exactly why the lag is measured as well).
            assertThat(usage.busiest()).isPositive();
            assertThat(usage.saturated()).isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
