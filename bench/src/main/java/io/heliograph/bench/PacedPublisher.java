package io.heliograph.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.PublishException;
import io.smallrye.mutiny.Uni;

/**
 * Publishes at a fixed total rate, round robin over the channels, through the real publisher.
 * The schedule is computed from the start time, so a stall is caught up rather than silently
 * lowering the rate. Each event's data carries {@code System.nanoTime()} at send; the receiving
 * connections are in the same process, so the clock is shared.
 */
final class PacedPublisher {

    /** Where one event goes: heliograph-core's publisher, or any other {@link PublishPath}. */
    interface Sink {
        Uni<?> publish(String channel, CloudEvent event);
    }

    private final Sink publisher;
    private final List<String> channels;
    private final int perSecond;
    private final String padding;
    private final int maxInFlight;
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Histogram ackMicros = Histograms.micros();
    private long sent;
    /** Events with a lower sequence number belong to the warm-up and are not counted. */
    private volatile long measureFrom;

    PacedPublisher(EventPublisher publisher, List<String> channels, int perSecond, int paddingChars, int maxInFlight) {
        this(publisher::publish, channels, perSecond, paddingChars, maxInFlight);
    }

    PacedPublisher(Sink publisher, List<String> channels, int perSecond, int paddingChars, int maxInFlight) {
        this.publisher = publisher;
        this.channels = channels;
        this.perSecond = perSecond;
        this.padding = "x".repeat(paddingChars);
        this.maxInFlight = maxInFlight;
    }

    /** Publishes for the given time on the calling thread; returns when the schedule is done (replies may still be pending). */
    void run(long durationNanos) {
        long start = System.nanoTime();
        long end = start + durationNanos;
        long first = sent;
        long total = first + durationNanos * perSecond / 1_000_000_000L;
        while (sent < total) {
            long now = System.nanoTime();
            if (now > end + TimeUnit.SECONDS.toNanos(5)) {
                break; // the publish path cannot keep up; what was not sent is reported as skipped
            }
            long due = Math.min(total, first + (now - start) * perSecond / 1_000_000_000L + 1);
            while (sent < due) {
                if (inFlight.get() >= maxInFlight) {
                    skipped.increment();
                } else {
                    publish(channels.get((int) (sent % channels.size())));
                }
                sent++;
            }
            // Sleep until the next event is due rather than spinning: the bench shares the CPUs with the gateway.
            long nextDue = start + (sent - first + 1) * 1_000_000_000L / perSecond;
            LockSupport.parkNanos(Math.max(50_000, nextDue - System.nanoTime()));
        }
        skipped.add(total - sent);
    }

    private void publish(String channel) {
        long t = System.nanoTime();
        long seq = sent;
        Map<String, Object> data = new LinkedHashMap<>();
        // Padding first: the client looks for the bench's keys from the end of the frame (FrameScanner).
        if (!padding.isEmpty()) {
            data.put("pad", padding);
        }
        data.put(FrameScanner.SENT_KEY, t);
        data.put(FrameScanner.SEQ_KEY, seq);
        inFlight.incrementAndGet();
        publisher.publish(channel, CloudEvent.of("/heliograph-bench", "price-update", channel, data))
                .subscribe().with(published -> {
                    if (seq >= measureFrom) {
                        Histograms.recordNanos(ackMicros, System.nanoTime() - t);
                        acknowledged.increment();
                    }
                    inFlight.decrementAndGet();
                }, failure -> {
                    String reason = failure instanceof PublishException p ? p.reason().name() + ": " + p.getMessage()
                            : failure.getClass().getSimpleName() + ": " + failure.getMessage();
                    failures.computeIfAbsent(reason, k -> new LongAdder()).increment();
                    inFlight.decrementAndGet();
                });
    }

    /** Waits until every publish has been answered, or the timeout. */
    void awaitReplies(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Forgets the counts and timings so far (after a warm-up); the schedule goes on. */
    void resetCounts() {
        measureFrom = sent;
        acknowledged.reset();
        skipped.reset();
        failures.clear();
        ackMicros.reset();
    }

    /** The first sequence number counted (0 without a warm-up). */
    long measureFrom() {
        return measureFrom;
    }

    long attempted() {
        return sent;
    }

    long acknowledged() {
        return acknowledged.sum();
    }

    long skipped() {
        return skipped.sum();
    }

    long failed() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    String failures() {
        StringBuilder text = new StringBuilder();
        failures.forEach((k, v) -> text.append(text.length() == 0 ? "" : "\n").append(v.sum()).append(" x ").append(k));
        return text.toString();
    }

    Histogram ackMicros() {
        return ackMicros;
    }
}
