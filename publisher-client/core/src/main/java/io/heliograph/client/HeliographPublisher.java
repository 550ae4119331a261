package io.heliograph.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Publishes events through pubsub-relay ({@code POST /api/events}, PROTOCOL.md section 6) from any Java 17
 * application. Needs only the JDK's {@code java.net.http} and Jackson.
 *
 * <pre>
 * try (HeliographPublisher publisher = HeliographPublisher.builder()
 *         .url("http://pubsub-relay:8081").key(System.getenv("HELIOGRAPH_PUBLISHER_KEY")).build()) {
 *     PublishResult r = publisher.publish("recipes", "recipe:created", Map.of("id", 42));
 * }
 * </pre>
 *
 * <p>Guarantees:
 * <ul>
 * <li><b>Exactly once across retries.</b> Every event gets its id before the first attempt (a random UUID unless
 * the caller gave one), and the relay publishes a repeated id only once within 24 h, answering the first result.
 * So a retry after a 503 or a timeout, whose first attempt may or may not have reached Redis, never publishes
 * twice.</li>
 * <li><b>Retries.</b> 429, 503, 502/504 and no answer at all are retried up to {@code maxRetries} times, waiting
 * the relay's {@code Retry-After} when it sent one, else an exponential back-off; refusals (400, 401, 403, 413)
 * fail at once. Failures reach the caller as {@link RelayException}.</li>
 * <li><b>Its own connections.</b> At most {@code maxConnections} requests are in flight (keep-alive HTTP/1.1
 * connections reused); more publishes wait their turn without holding a thread.</li>
 * <li>A successful result means the event is in Redis: in the channel's history and sent to its subscribers.</li>
 * </ul>
 * Thread-safe. The async methods never block; the others block the calling thread until the final answer.
 */
public interface HeliographPublisher extends AutoCloseable {

    /** Publishes one event; the future fails with {@link RelayException}. */
    CompletableFuture<PublishResult> publishAsync(EventRequest event);

    /**
     * Publishes up to 100 events in one request; the result has one item per event, in order. The whole batch is
     * retried on a transient failure (the ids make that safe); refused items are reported, not retried.
     */
    CompletableFuture<BatchResult> publishBatchAsync(List<EventRequest> events);

    /** Publishes one event and waits for the final answer. */
    default PublishResult publish(EventRequest event) {
        return Await.result(publishAsync(event));
    }

    /** Publishes {@code data} as an event of {@code type} on {@code channel} and waits for the final answer. */
    default PublishResult publish(String channel, String type, Object data) {
        return publish(EventRequest.of(channel, type, data));
    }

    /** {@link #publishBatchAsync} and waits for the final answer. */
    default BatchResult publishBatch(List<EventRequest> events) {
        return Await.result(publishBatchAsync(events));
    }

    /** Stops the publisher's own threads; publishes still in flight may fail. */
    @Override
    void close();

    static Builder builder() {
        return new Builder();
    }

    /** Told before each retry, for logging or metrics; runs on the publisher's threads and must not block. */
    @FunctionalInterface
    interface RetryListener {
        void retrying(EventRequest firstEvent, RelayException failure, int retry, Duration delay);
    }

    /** The settings; each has a default but {@link #url}. */
    final class Builder {

        /** Retries of a transient failure before it is reported. */
        public static final int DEFAULT_MAX_RETRIES = 3;
        /** First back-off when the relay gave no Retry-After; doubles on each retry. */
        public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
        /** The longest single wait; a Retry-After asking for more fails at once. */
        public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(10);
        /** How long one attempt may wait for its answer. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        /** How long opening a connection may take. */
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        /** Requests in flight at once, so connections to the relay. */
        public static final int DEFAULT_MAX_CONNECTIONS = 64;

        URI url;
        String key;
        int maxRetries = DEFAULT_MAX_RETRIES;
        Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
        Duration timeout = DEFAULT_TIMEOUT;
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        int maxConnections = DEFAULT_MAX_CONNECTIONS;
        ObjectMapper mapper;
        Executor executor;
        RetryListener retryListener = (event, failure, retry, delay) -> { };

        private Builder() {
        }

        /** The relay's base URL, for example {@code http://pubsub-relay:8081}. Required. */
        public Builder url(String baseUrl) {
            return url(URI.create(baseUrl));
        }

        public Builder url(URI baseUrl) {
            this.url = Objects.requireNonNull(baseUrl, "url");
            return this;
        }

        /** The publisher key, sent as {@code Authorization: Bearer <key>}. Without one every publish fails with 401. */
        public Builder key(String publisherKey) {
            this.key = publisherKey;
            return this;
        }

        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative");
            }
            this.maxRetries = retries;
            return this;
        }

        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = Objects.requireNonNull(backoff);
            return this;
        }

        public Builder maxRetryDelay(Duration delay) {
            this.maxRetryDelay = Objects.requireNonNull(delay);
            return this;
        }

        /** How long one attempt waits for the relay's answer before it counts as no answer (and is retried). */
        public Builder timeout(Duration perAttempt) {
            this.timeout = Objects.requireNonNull(perAttempt);
            return this;
        }

        public Builder connectTimeout(Duration connect) {
            this.connectTimeout = Objects.requireNonNull(connect);
            return this;
        }

        /** At most this many requests in flight (and so connections); more publishes queue. */
        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        /** The mapper that writes events' data; by default a new one with the modules found on the class path. */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.mapper = Objects.requireNonNull(objectMapper);
            return this;
        }

        /**
         * Where the HTTP client and the result stages run; by default the publisher's own daemon threads, stopped by
         * {@link HeliographPublisher#close()}. An executor given here is not shut down by close.
         */
        public Builder executor(Executor own) {
            this.executor = Objects.requireNonNull(own);
            return this;
        }

        public Builder onRetry(RetryListener listener) {
            this.retryListener = Objects.requireNonNull(listener);
            return this;
        }

        public HeliographPublisher build() {
            if (url == null) {
                throw new IllegalStateException("the relay's url is required");
            }
            return new RelayHttpPublisher(this);
        }

        HttpClient.Builder httpClient() {
            // HTTP/1.1 explicitly: the relay speaks it on plain http, and HTTP/2's upgrade attempt would only add a
            // round of headers to every new connection.
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
        }
    }
}
