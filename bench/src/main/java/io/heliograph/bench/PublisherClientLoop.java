package io.heliograph.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;

import io.heliograph.client.EventRequest;
import io.heliograph.client.HeliographPublisher;
import io.heliograph.client.RelayException;

/**
 * One of the {@code publish --via publisher-client} loops: the next publish leaves as soon as the previous one is
 * answered, through the plain-Java publisher (publisher-client/core) and its own connection pool, as a backend
 * would publish. The publisher is built with no retries, so a refusal is counted, not hidden by a retry; its status
 * is the RelayException's (0: no answer).
 */
record PublisherClientLoop(HeliographPublisher publisher, String channel, int batch, String data, AtomicLong sequence,
        Histogram latency, Map<Integer, LongAdder> statuses, LongAdder events, LongAdder errors,
        AtomicBoolean measuring, AtomicBoolean running, CountDownLatch stopped) {

    /** The publisher the loops share: at most {@code concurrency} connections, no retries. */
    static HeliographPublisher publisher(java.net.URI url, String key, int concurrency) {
        return HeliographPublisher.builder().url(url).key(key).maxConnections(concurrency).maxRetries(0).build();
    }

    void next() {
        if (!running.get()) {
            stopped.countDown();
            return;
        }
        boolean measured = measuring.get();
        long sent = System.nanoTime();
        CompletableFuture<Integer> answered = batch > 0
                ? publisher.publishBatchAsync(batchOfEvents()).thenApply(result -> 200)
                : publisher.publishAsync(event()).thenApply(result -> 202);
        answered.whenComplete((status, failure) -> {
            if (measured && measuring.get()) {
                Histograms.recordNanos(latency, System.nanoTime() - sent);
                int code = failure == null ? status : statusOf(failure);
                if (code == RelayException.UNREACHABLE) {
                    errors.increment();
                } else {
                    statuses.computeIfAbsent(code, s -> new LongAdder()).increment();
                    if (code / 100 == 2) {
                        events.add(Math.max(1, batch));
                    }
                }
            }
            next();
        });
    }

    private static int statusOf(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RelayException relay ? relay.status() : RelayException.UNREACHABLE;
    }

    /** The same event as the HTTP loop sends, but the id is always there: the publisher sets one before sending. */
    private EventRequest event() {
        return new EventRequest(channel, "bench", data, channel + "-" + sequence.incrementAndGet(), null);
    }

    private List<EventRequest> batchOfEvents() {
        List<EventRequest> list = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            list.add(event());
        }
        return list;
    }
}
