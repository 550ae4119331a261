package io.heliograph.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/** {@link HeliographPublisher} over the JDK's HTTP client; see there for the guarantees. */
final class RelayHttpPublisher implements HeliographPublisher {

    private static final AtomicInteger PUBLISHERS = new AtomicInteger();

    private final URI events;
    private final URI batch;
    private final String authorization;
    private final Duration timeout;
    private final RetryPolicy retries;
    private final RetryListener retryListener;
    private final ConnectionLimit limit;
    private final ObjectMapper mapper;
    private final ObjectReader publishedReader;
    private final ObjectReader batchReader;
    private final ObjectReader problemReader;
    private final ExecutorService ownExecutor;
    private final Executor executor;
    private final HttpClient http;

    RelayHttpPublisher(HeliographPublisher.Builder settings) {
        String base = settings.url.toString().replaceAll("/+$", "");
        this.events = URI.create(base + "/api/events");
        this.batch = URI.create(base + "/api/events/batch");
        this.authorization = settings.key == null || settings.key.isBlank() ? null : "Bearer " + settings.key;
        this.timeout = settings.timeout;
        this.retries = new RetryPolicy(settings.maxRetries, settings.initialBackoff, settings.maxRetryDelay);
        this.retryListener = settings.retryListener;
        this.limit = new ConnectionLimit(settings.maxConnections);
        this.mapper = settings.mapper != null ? settings.mapper : new ObjectMapper().findAndRegisterModules();
        // The relay may add fields to its answers; an older client must still read them.
        ObjectReader lenient = mapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.publishedReader = lenient.forType(PublishResult.class);
        this.batchReader = lenient.forType(BatchResult.class);
        this.problemReader = lenient.forType(JsonNode.class);
        this.ownExecutor = settings.executor == null ? Executors.newCachedThreadPool(daemonThreads()) : null;
        this.executor = settings.executor != null ? settings.executor : ownExecutor;
        this.http = settings.httpClient().executor(executor).build();
    }

    @Override
    public CompletableFuture<PublishResult> publishAsync(EventRequest event) {
        EventRequest identified = identified(event);
        return send(events, identified, identified, publishedReader, 1);
    }

    @Override
    public CompletableFuture<BatchResult> publishBatchAsync(List<EventRequest> batchEvents) {
        if (batchEvents.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a batch has at least one event"));
        }
        List<EventRequest> identified = batchEvents.stream().map(RelayHttpPublisher::identified).toList();
        return send(batch, Map.of("events", identified), identified.get(0), batchReader, 1);
    }

    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    /** The id is chosen once, before the first attempt: that is what makes every retry safe. */
    private static EventRequest identified(EventRequest event) {
        return event.id() == null ? event.withId(UUID.randomUUID().toString()) : event;
    }

    private <T> CompletableFuture<T> send(URI uri, Object body, EventRequest first, ObjectReader reader, int attempt) {
        if (authorization == null) {
            return CompletableFuture.failedFuture(new RelayException(401, "Unauthorized",
                    "no publisher key configured", null, null));
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the event cannot be written as JSON", e));
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        return attempt(request, first, reader, attempt);
    }

    private <T> CompletableFuture<T> attempt(HttpRequest request, EventRequest first, ObjectReader reader, int attempt) {
        CompletableFuture<T> result = limit.acquire()
                .thenCompose(slot -> http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                        .whenComplete((response, failure) -> limit.release()))
                .thenApply(response -> this.<T>read(response, reader));
        return result.handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            RelayException relay = RelayException.of(failure);
            Duration delay = retries.delayBeforeRetry(relay, attempt);
            if (delay == null) {
                return CompletableFuture.<T>failedFuture(relay);
            }
            retryListener.retrying(first, relay, attempt, delay);
            Executor later = CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, executor);
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(ignored -> this.<T>attempt(request, first, reader, attempt + 1));
        }).thenCompose(next -> next);
    }

    private <T> T read(HttpResponse<byte[]> response, ObjectReader reader) {
        int status = response.statusCode();
        try {
            if (status / 100 == 2) {
                return reader.readValue(response.body());
            }
        } catch (IOException e) {
            throw new RelayException(status, "Unreadable answer", "the relay answered " + status
                    + " with a body that is not the expected JSON", null, e);
        }
        throw problem(response);
    }

    /** The relay's problem JSON (RFC 9457) with its Retry-After; a proxy or the HTTP layer may answer without JSON. */
    private RelayException problem(HttpResponse<byte[]> response) {
        String title = "HTTP " + response.statusCode();
        String detail = null;
        try {
            JsonNode problem = problemReader.readValue(response.body());
            if (problem != null && problem.isObject()) {
                title = problem.path("title").asText(title);
                detail = problem.path("detail").asText(null);
            }
        } catch (IOException notJson) {
            // keep the status line's title
        }
        Duration retryAfter = RetryPolicy.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null),
                Instant.now());
        return new RelayException(response.statusCode(), title, detail, retryAfter, null);
    }

    private static ThreadFactory daemonThreads() {
        int publisher = PUBLISHERS.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, "heliograph-publisher-" + publisher + "-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
