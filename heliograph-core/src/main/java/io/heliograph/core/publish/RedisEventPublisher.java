package io.heliograph.core.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;

/** {@link EventPublisher} on the atomic publish script of PROTOCOL.md section 3. */
public class RedisEventPublisher implements EventPublisher {

    private static final RedisScript SCRIPT = RedisScript.load(RedisScript.PUBLISH);

    private final Redis redis;
    private final Namespaces namespaces;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final AtomicLong published = new AtomicLong();

    /**
     * @param channelTtl       how long a channel's keys live after its last publish
     * @param maxEnvelopeBytes the largest encoded envelope accepted
     * @param sharded          SPUBLISH instead of PUBLISH (Redis Cluster sharded Pub/Sub)
     * @param timeout          how long to wait for Redis before failing with {@code unavailable}
     */
    public record Settings(Duration channelTtl, int maxEnvelopeBytes, boolean sharded, Duration timeout) {
    }

    public RedisEventPublisher(Redis redis, Namespaces namespaces, ObjectMapper mapper, Settings settings) {
        this.redis = redis;
        this.namespaces = namespaces;
        this.mapper = mapper;
        this.settings = settings;
    }

    @Override
    public long publishedCount() {
        return published.get();
    }

    @Override
    public String encode(String channel, CloudEvent event) {
        ChannelName name = ChannelName.of(channel);
        namespaces.policyOf(name);
        return encodeChecked(event);
    }

    private String encodeChecked(CloudEvent event) {
        if (event == null) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST, "event is missing");
        }
        if (!CloudEvent.isValidType(event.type())) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST,
                    "invalid event type: expected ^[A-Za-z0-9._:-]{1,64}$");
        }
        if (event.id() == null || event.id().isBlank() || event.id().length() > 128) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST, "event id must be 1..128 characters");
        }
        if (event.source() == null || event.source().isBlank()) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST, "event source is missing");
        }
        String json;
        try {
            json = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new PublishException(PublishException.Reason.BAD_REQUEST, "event data cannot be encoded as JSON", e);
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > settings.maxEnvelopeBytes()) {
            throw new PublishException(PublishException.Reason.TOO_LARGE,
                    "encoded event is " + bytes + " bytes; the limit is " + settings.maxEnvelopeBytes());
        }
        return json;
    }

    @Override
    public Uni<Published> publish(String channel, CloudEvent event) {
        ChannelName name;
        NamespacePolicy policy;
        String json;
        try {
            name = ChannelName.of(channel);
            policy = namespaces.policyOf(name);
            json = encodeChecked(event);
        } catch (PublishException e) {
            return Uni.createFrom().failure(e);
        }
        List<String> keys = List.of(name.offsetKey(), name.epochKey(), name.historyKey(), name.pubSubChannel());
        List<String> args = List.of(name.value(), json, Integer.toString(policy.history()),
                Long.toString(Math.max(1, settings.channelTtl().toSeconds())), Epochs.random(),
                settings.sharded() ? "SPUBLISH" : "PUBLISH");
        return SCRIPT.call(redis, keys, args)
                .ifNoItem().after(settings.timeout()).fail()
                .onFailure(t -> !(t instanceof PublishException))
                .transform(t -> new PublishException(PublishException.Reason.UNAVAILABLE,
                        "Redis did not take the event: " + t.getMessage(), t))
                .map(reply -> toPublished(event.id(), name.value(), reply))
                .invoke(published::incrementAndGet);
    }

    private static Published toPublished(String id, String channel, Response reply) {
        return new Published(id, channel, reply.get(0).toString(), reply.get(1).toLong());
    }
}
