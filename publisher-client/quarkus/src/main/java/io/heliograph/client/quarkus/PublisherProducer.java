package io.heliograph.client.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.client.HeliographPublisher;
import io.heliograph.client.RelayException;

/**
 * The plain {@link HeliographPublisher} as a bean, configured by {@code heliograph.publisher.*}: inject it anywhere
 * in a Quarkus application. Application-scoped, so it is built at its first use, when
 * {@code heliograph.publisher.url} can already see the port the application bound; closed at shutdown.
 */
@ApplicationScoped
public class PublisherProducer {

    private static final Logger LOG = Logger.getLogger(PublisherProducer.class);

    @Produces
    @ApplicationScoped
    HeliographPublisher publisher(PublisherConfig config, ObjectMapper mapper) {
        String url = ConfigProvider.getConfig().getOptionalValue("heliograph.publisher.url", String.class)
                .or(config::url)
                .orElseThrow(() -> new RelayException(RelayException.UNREACHABLE, "Not configured",
                        "heliograph.publisher.url is not configured", null, null));
        return HeliographPublisher.builder()
                .url(url)
                .key(config.key().orElse(null))
                .maxRetries(config.maxRetries())
                .initialBackoff(config.initialBackoff())
                .maxRetryDelay(config.maxRetryDelay())
                .timeout(config.timeout())
                .connectTimeout(config.timeout())
                .maxConnections(config.maxConnections())
                .objectMapper(mapper)
                .onRetry((event, failure, retry, delay) -> LOG.debugf("retry %d of a %s event on %s in %s: %s", retry,
                        event.type(), event.channel(), delay, failure.getMessage()))
                .build();
    }

    void close(@Disposes HeliographPublisher publisher) {
        publisher.close();
    }
}
