package io.heliograph.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * Whether the load generator itself is the bottleneck, measured two ways over a window:
 * <ul>
 * <li>the CPU time of each client event-loop thread as a fraction of the wall time (1.0 = the
 * loop never waited): a loop near 1.0 reads frames as fast as it can;</li>
 * <li>the lag of each loop: a probe task scheduled every {@link #PROBE_INTERVAL_MILLIS} ms records
 * how late it ran. A loop that is busy, or that the machine does not give a CPU to (on a box
 * where other processes compete, a loop can be late at low CPU), runs it late, and every frame
 * it reads is late by as much.</li>
 * </ul>
 * Either above its threshold makes the client count as saturated: the figures measured through
 * it then say more about the client than about the server.
 */
final class ClientLoad implements AutoCloseable {

    /** Busy fraction of one client event loop above which the client counts as saturated. */
    static final double SATURATED = 0.85;
    /** Lag p99 of a client event loop, in ms, above which the client counts as saturated (its delay shows in every latency). */
    static final double LATE_MS = 20;
    private static final long PROBE_INTERVAL_MILLIS = 10;

    private final List<Thread> threads = new ArrayList<>();
    private final List<Recorder> lags = new ArrayList<>();
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final ProcessProbe self = ProcessProbe.self();
    private volatile boolean closed;

    ClientLoad(List<EventExecutor> loops) {
        for (EventExecutor loop : loops) {
            try {
                threads.add(loop.submit(Thread::currentThread).get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException("event loop did not answer: " + e, e);
            }
            Recorder lag = new Recorder(TimeUnit.MINUTES.toMicros(5), 3);
            lags.add(lag);
            probe(loop, lag, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MILLIS));
        }
    }

    /** The event loops of a Vert.x instance. */
    static List<EventExecutor> loopsOf(Vertx vertx) {
        List<EventExecutor> loops = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(loops::add);
        return loops;
    }

    private void probe(EventExecutor loop, Recorder lag, long dueNanos) {
        if (closed || loop.isShuttingDown()) {
            return;
        }
        loop.schedule(() -> {
            long now = System.nanoTime();
            lag.recordValue(Math.max(0, Math.min(TimeUnit.MINUTES.toMicros(5), (now - dueNanos) / 1000)));
            probe(loop, lag, now + TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MILLIS));
        }, Math.max(0, dueNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** One reading of every loop's CPU time and of the whole bench process; starts a new lag window. */
    Sample sample() {
        long[] cpu = new long[threads.size()];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = Math.max(0, mx.getThreadCpuTime(threads.get(i).getId()));
        }
        double[] lagP99 = new double[lags.size()];
        for (int i = 0; i < lagP99.length; i++) {
            // The recorder hands over what was recorded since the last call and starts afresh, without stopping the probe.
            Histogram interval = lags.get(i).getIntervalHistogram();
            lagP99[i] = interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0;
        }
        return new Sample(cpu, lagP99, self.cpuNanos(), System.nanoTime());
    }

    @Override
    public void close() {
        closed = true;
    }

    /** CPU times at one moment, and the lag p99 of each loop since the previous sample. */
    record Sample(long[] loopCpuNanos, double[] lagP99Ms, long processCpuNanos, long wallNanos) {
    }

    /** Busy fraction and lag p99 of each loop, and the bench's cores, between two samples. */
    record Usage(double[] loops, double[] lagP99Ms, double processCores) {

        static Usage between(Sample from, Sample to) {
            double wall = Math.max(1, to.wallNanos() - from.wallNanos());
            double[] loops = new double[from.loopCpuNanos().length];
            for (int i = 0; i < loops.length; i++) {
                loops[i] = (to.loopCpuNanos()[i] - from.loopCpuNanos()[i]) / wall;
            }
            return new Usage(loops, to.lagP99Ms(), (to.processCpuNanos() - from.processCpuNanos()) / wall);
        }

        double busiest() {
            return max(loops);
        }

        double worstLagP99Ms() {
            return max(lagP99Ms);
        }

        boolean saturated() {
            return busiest() >= SATURATED || worstLagP99Ms() >= LATE_MS;
        }

        /** "0.92 cores; event loops 41% 38% 2%, lag p99 1.2 2.0 0.3 ms" plus a verdict. */
        String describe() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.2f cores; event loops", processCores));
            for (double loop : loops) {
                text.append(String.format(Locale.ROOT, " %.0f%%", loop * 100));
            }
            text.append(", lag p99");
            for (double lag : lagP99Ms) {
                text.append(' ').append(Stats.number(lag));
            }
            text.append(" ms");
            text.append(saturated()
                    ? String.format(Locale.ROOT, "  => CLIENT SATURATED (a loop above %.0f%% busy or %.0f ms late at p99): "
                            + "these figures are the client's limit, not the server's", SATURATED * 100, LATE_MS)
                    : "  => client not saturated");
            return text.toString();
        }

        private static double max(double[] values) {
            double max = 0;
            for (double value : values) {
                max = Math.max(max, value);
            }
            return max;
        }
    }
}
