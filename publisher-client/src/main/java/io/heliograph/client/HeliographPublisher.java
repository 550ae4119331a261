package io.heliograph.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;

/**
 * Publishes events through pubsub-relay. Inject it anywhere in a Quarkus application.
 *
 * <p>Transient failures (429, 503, 502/504 and no answer at all) are retried up to
 * {@code heliograph.publisher.max-retries} times. The wait before a retry is the relay's
 * {@code Retry-After} when it sent one, else an exponential back-off from
 * {@code initial-backoff}; a Retry-After beyond {@code max-retry-delay} ends the attempts at once.
 * MicroProfile {@code @Retry} was not used because its delays are fixed by configuration and never
 * look at the response. Every event gets an id before the first attempt, so a retry after a lost
 * answer is recognised by the relay and never publishes twice.
 *
 * <p>Failures reach the caller as {@link RelayException}. Thread-safe; never blocks the caller.
 */
@ApplicationScoped
public class HeliographPublisher {

    private final PublisherConfig config;
    private volatile RelayClient client;

    public HeliographPublisher(PublisherConfig config) {
        this.config = config;
    }

    /** Publishes one event. */
    public Uni<PublishResult> publish(EventRequest event) {
        EventRequest identified = event.id() == null ? event.withId(UUID.randomUUID().toString()) : event;
        return withRetries(() -> client().publish(authorization(), identified), 1);
    }

    /** Publishes {@code data} as an event of {@code type} on {@code channel}. */
    public Uni<PublishResult> publish(String channel, String type, Object data) {
        return publish(EventRequest.of(channel, type, data));
    }

    /**
     * Publishes up to 100 events in one request; the result has one item per event, in order. The whole
     * batch is retried on a transient failure (ids make that safe); refused items are not retried.
     */
    public Uni<BatchResult> publishBatch(List<EventRequest> events) {
        List<EventRequest> identified = events.stream()
                .map(e -> e.id() == null ? e.withId(UUID.randomUUID().toString()) : e)
                .toList();
        return withRetries(() -> client().publishBatch(authorization(), new RelayClient.Batch(identified)), 1);
    }

    private <T> Uni<T> withRetries(Supplier<Uni<? extends T>> call, int attempt) {
        return Uni.createFrom().<T>deferred(call)
                .onFailure().recoverWithUni(failure -> {
                    RelayException relay = RelayException.of(failure);
                    Duration delay = delayBeforeRetry(relay, attempt);
                    if (delay == null) {
                        return Uni.createFrom().failure(relay);
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                            .chain(() -> withRetries(call, attempt + 1));
                });
    }

    /** The wait before retry number {@code attempt}, or null when the failure must be reported now. */
    Duration delayBeforeRetry(RelayException failure, int attempt) {
        if (!failure.isTransient() || attempt > config.maxRetries()) {
            return null;
        }
        Duration delay = failure.retryAfter()
                .orElseGet(() -> config.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20)));
        if (failure.retryAfter().isPresent() && delay.compareTo(config.maxRetryDelay()) > 0) {
            return null;
        }
        return delay.compareTo(config.maxRetryDelay()) > 0 ? config.maxRetryDelay() : delay;
    }

    private String authorization() {
        return "Bearer " + config.key().orElseThrow(() -> new RelayException(401, "Unauthorized",
                "heliograph.publisher.key is not configured", null, null));
    }

    private RelayClient client() {
        RelayClient current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    client = current = build();
                }
            }
        }
        return current;
    }

    private RelayClient build() {
        String url = ConfigProvider.getConfig().getOptionalValue("heliograph.publisher.url", String.class)
                .or(config::url)
                .orElseThrow(() -> new RelayException(RelayException.UNREACHABLE, "Not configured",
                        "heliograph.publisher.url is not configured", null, null));
        long timeoutMs = config.timeout().toMillis();
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(url))
                .connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .register(new RelayResponseExceptionMapper())
                .build(RelayClient.class);
    }
}
