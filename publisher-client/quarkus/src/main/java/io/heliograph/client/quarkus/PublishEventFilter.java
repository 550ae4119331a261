package io.heliograph.client.quarkus;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.client.EventRequest;
import io.heliograph.client.HeliographPublisher;
import io.heliograph.client.PublishResult;
import io.micrometer.core.instrument.Metrics;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Implements {@link PublishEvent}: after a 2xx response of an annotated method, publishes its entity
 * and lets the response go once the relay answered. See {@link PublishEvent} for the guarantees.
 */
public class PublishEventFilter {

    private static final Logger LOG = Logger.getLogger(PublishEventFilter.class);
    static final String PUBLISHED = "heliograph.publisher.published";
    static final String FAILURES = "heliograph.publisher.failures";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]+)}");

    private final HeliographPublisher publisher;
    private final ObjectMapper mapper;

    public PublishEventFilter(HeliographPublisher publisher, ObjectMapper mapper) {
        this.publisher = publisher;
        this.mapper = mapper;
    }

    @ServerResponseFilter
    @PublishEvent(channel = PublishEvent.ANY, type = PublishEvent.ANY)
    public Uni<Void> publishAfterWrite(ContainerRequestContext request, ContainerResponseContext response,
            SimpleResourceInfo resource) {
        if (response.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL) {
            return Uni.createFrom().voidItem();
        }
        PublishEvent annotation = annotationOf(resource);
        if (annotation == null) {
            return Uni.createFrom().voidItem();
        }
        EventRequest event;
        try {
            JsonNode data = response.hasEntity() ? mapper.valueToTree(response.getEntity()) : pathParameters(request);
            String subject = annotation.subject().isEmpty() ? null : subject(annotation.subject(), data);
            event = new EventRequest(annotation.channel(), annotation.type(), data, null, subject);
        } catch (RuntimeException e) {
            return failed(annotation, e);
        }
        Uni<PublishResult> published = Uni.createFrom().completionStage(() -> publisher.publishAsync(event));
        Context context = Vertx.currentContext();
        if (context != null) {
            // The publisher completes on its own threads; the rest of the response belongs on the request's context.
            published = published.emitOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return published
                .onItem().invoke(() -> count(PUBLISHED))
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> failed(annotation, e));
    }

    private Uni<Void> failed(PublishEvent annotation, Throwable e) {
        count(FAILURES);
        LOG.warnf("the write succeeded but its %s event on channel %s was not published: %s",
                annotation.type(), annotation.channel(), e.getMessage());
        return Uni.createFrom().voidItem();
    }

    /**
     * Counts in the global registry, looked up at each use: an application with quarkus-micrometer
     * exports the counters (its registry joins the global one at startup), others pay nothing.
     */
    private static void count(String name) {
        Metrics.counter(name).increment();
    }

    private static PublishEvent annotationOf(SimpleResourceInfo resource) {
        Class<?> type = resource.getResourceClass();
        try {
            Method method = type.getMethod(resource.getMethodName(), resource.parameterTypes());
            PublishEvent onMethod = method.getAnnotation(PublishEvent.class);
            return onMethod != null ? onMethod : type.getAnnotation(PublishEvent.class);
        } catch (NoSuchMethodException notPublic) {
            return type.getAnnotation(PublishEvent.class);
        }
    }

    private JsonNode pathParameters(ContainerRequestContext request) {
        Map<String, String> params = new LinkedHashMap<>();
        request.getUriInfo().getPathParameters().forEach((name, values) -> params.put(name, values.get(0)));
        return mapper.valueToTree(params);
    }

    /** Replaces each {@code {field}} by the top-level field of the data (empty when it has none). */
    static String subject(String template, JsonNode data) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = data == null ? null : data.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null || value.isNull() ? "" : value.asText()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
