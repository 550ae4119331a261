package io.heliograph.monitor.rest;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.heliograph.monitor.config.MonitorConfig;
import io.heliograph.monitor.lifecycle.DataType;
import io.heliograph.monitor.lifecycle.ParsedRecord;
import io.heliograph.monitor.lifecycle.RecordParser;
import io.smallrye.faulttolerance.api.RateLimit;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Produces records for tests and demos. A body is accepted only if the consumer can read it (the
 * same {@link RecordParser}); whether its rows pass the validation rules is left to the consumer,
 * so a failing record can be produced on purpose. Answers 202 once the broker has the record.
 *
 * <p>It is a write API, so it needs the producer key ({@link ProducerKey}), writes only into the
 * topics this monitor consumes (never creates one), and is rate limited over all callers (SmallRye
 * Fault Tolerance; {@code application.properties} sets the rate): more is answered 429 with
 * {@code Retry-After}.
 */
@Path("/api/producers/send")
@Produces(MediaType.APPLICATION_JSON)
@RateLimit(value = 20)
public class ProducerResource {

    /** Kafka's topic-name grammar. */
    private static final Pattern TOPIC = Pattern.compile("^[a-zA-Z0-9._-]{1,249}$");

    /** Where a produced record landed. */
    public record Sent(String topic, int partition, long offset, String dataType, int rowCount) {
    }

    @Inject
    @Channel("produce")
    MutinyEmitter<String> emitter;

    @Inject
    RecordParser parser;

    @Inject
    MonitorConfig config;

    @Inject
    ProducerKey key;

    /** One JSON object, one SINGLE_MESSAGE record. */
    @POST
    @Path("/single")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> single(@HeaderParam("Authorization") String authorization, @QueryParam("topic") String topic,
            String body) {
        key.check(authorization);
        return send(topic, body, DataType.SINGLE_MESSAGE);
    }

    /** CSV text with a header line, one CSV_BATCH record. */
    @POST
    @Path("/csv")
    @Consumes("text/csv")
    public Uni<Response> csv(@HeaderParam("Authorization") String authorization, @QueryParam("topic") String topic,
            String body) {
        key.check(authorization);
        return send(topic, body, DataType.CSV_BATCH);
    }

    private Uni<Response> send(String topicParam, String body, DataType type) {
        String topic = topicParam == null || topicParam.isBlank() ? config.topics().get(0) : topicParam;
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new BadRequestException("topic must match [a-zA-Z0-9._-]{1,249}, got '" + abbreviate(topic) + "'");
        }
        if (!config.topics().contains(topic)) {
            throw new ForbiddenException("this monitor produces only into the topics it consumes " + config.topics()
                    + ", not '" + topic + "'");
        }
        if (body == null || body.isBlank()) {
            throw new BadRequestException("the body is empty");
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.maxProduceBytes()) {
            throw new BadRequestException("the body is " + bytes + " bytes; the limit is " + config.maxProduceBytes());
        }
        ParsedRecord parsed = parser.parse(body, type);
        if (!parsed.readable()) {
            throw new BadRequestException(parsed.error());
        }
        OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
        OutgoingKafkaRecordMetadata<String> target = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .addHeaders(new RecordHeader("content-type", type.contentType().getBytes(StandardCharsets.UTF_8)))
                .build();
        return emitter.sendMessage(Message.of(body, Metadata.of(target, result)))
                .ifNoItem().after(config.produceTimeout()).fail()
                .map(ok -> {
                    RecordMetadata landed = result.getResult();
                    return Response.accepted(new Sent(topic, landed.partition(), landed.offset(), type.name(),
                            parsed.rowCount())).build();
                });
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
