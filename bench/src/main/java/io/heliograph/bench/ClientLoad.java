package io.heliograph.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * Whether the load generator itself is the bottleneck: the CPU time of each client event-loop
 * thread over a window, as a fraction of the wall time (1.0 = the loop never waited). A loop
 * above {@link #SATURATED} is reading frames as fast as it can, so the figures measured through
 * it say more about the client than about the server.
 */
final class ClientLoad {

    /** Busy fraction of one client event loop above which the client counts as saturated. */
    static final double SATURATED = 0.85;

    private final List<Thread> threads;
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final ProcessProbe self = ProcessProbe.self();

    ClientLoad(List<Thread> threads) {
        this.threads = List.copyOf(threads);
    }

    /** The event-loop threads of a Vert.x instance (each asked for itself, so none is missed or guessed by name). */
    static List<Thread> threadsOf(Vertx vertx) {
        List<Thread> threads = new ArrayList<>();
        for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
            try {
                threads.add(executor.submit(Thread::currentThread).get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException("event loop did not answer: " + e, e);
            }
        }
        return threads;
    }

    /** One reading of every loop's CPU time and of the whole bench process. */
    record Sample(long[] loopCpuNanos, long processCpuNanos, long wallNanos) {
    }

    Sample sample() {
        long[] cpu = new long[threads.size()];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = Math.max(0, mx.getThreadCpuTime(threads.get(i).getId()));
        }
        return new Sample(cpu, self.cpuNanos(), System.nanoTime());
    }

    /** Busy fraction of each loop and the bench's cores between two samples. */
    record Usage(double[] loops, double processCores) {

        static Usage between(Sample from, Sample to) {
            double wall = Math.max(1, to.wallNanos() - from.wallNanos());
            double[] loops = new double[from.loopCpuNanos().length];
            for (int i = 0; i < loops.length; i++) {
                loops[i] = (to.loopCpuNanos()[i] - from.loopCpuNanos()[i]) / wall;
            }
            return new Usage(loops, (to.processCpuNanos() - from.processCpuNanos()) / wall);
        }

        double busiest() {
            double max = 0;
            for (double loop : loops) {
                max = Math.max(max, loop);
            }
            return max;
        }

        boolean saturated() {
            return busiest() >= SATURATED;
        }

        /** "0.92 cores; event loops 41% 38%" plus a verdict. */
        String describe() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.2f cores; event loops", processCores));
            for (double loop : loops) {
                text.append(String.format(Locale.ROOT, " %.0f%%", loop * 100));
            }
            text.append(saturated()
                    ? String.format(Locale.ROOT, "  => CLIENT SATURATED (a loop above %.0f%%): these figures are the client's limit, not the server's", SATURATED * 100)
                    : "  => client not saturated");
            return text.toString();
        }
    }
}
