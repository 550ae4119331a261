package io.heliograph.core.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.core.envelope.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/** {@link EventPublisher} on the atomic publish script of PROTOCOL.md section 3 ({@code heliograph/publish.lua}). */
public class RedisEventPublisher implements EventPublisher {

    private static final RedisScript SCRIPT = RedisScript.load(RedisScript.PUBLISH);
    /** The most single publishes of one channel sent together as one call (a batch request holds at most 100). */
    private static final int MAX_COALESCED = 256;
    private static final String RETRY_HINT = ": the event may have been published; retrying with the same id is safe"
            + " (an id is published once)";

    private final Redis redis;
    private final Namespaces namespaces;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final AtomicLong published = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentMap<String, Lane> lanes = new ConcurrentHashMap<>();
    /** When Redis last answered a publish; tells a saturated Redis (answering) from a stuck one. */
    private volatile long lastReplyNanos = System.nanoTime();

    /**
     * @param channelTtl       how long a channel's keys live after its last publish
     * @param maxEnvelopeBytes the largest encoded envelope accepted
     * @param sharded          SPUBLISH instead of PUBLISH (Redis Cluster sharded Pub/Sub)
     * @param timeout          how long to wait for Redis before failing with {@code unavailable}
     * @param idempotencyTtl   how long an event id published with an idempotency scope is remembered
     * @param maxInFlight      publish calls admitted to wait for Redis at once; more are refused as overloaded
     */
    public record Settings(Duration channelTtl, int maxEnvelopeBytes, boolean sharded, Duration timeout,
            Duration idempotencyTtl, int maxInFlight) {

        /** The defaults of {@code heliograph.idempotency-ttl} (24 h) and {@code heliograph.publish-max-in-flight} (4096). */
        public Settings(Duration channelTtl, int maxEnvelopeBytes, boolean sharded, Duration timeout) {
            this(channelTtl, maxEnvelopeBytes, sharded, timeout, Duration.ofHours(24), 4096);
        }
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
    public Uni<Published> publish(Publication publication) {
        Waiting waiting;
        try {
            // Everything that can refuse the event, before it is admitted: a call then never fails for one event.
            namespaces.policyOf(ChannelName.of(publication.channel()));
            waiting = new Waiting(publication, encodeChecked(publication.event()));
        } catch (PublishException e) {
            return Uni.createFrom().failure(e);
        }
        PublishException refusal = admit();
        if (refusal != null) {
            return Uni.createFrom().failure(refusal);
        }
        return Uni.createFrom().emitter(emitter -> {
            waiting.emitter = emitter;
            enqueue(waiting);
        });
    }

    /**
     * Group commit per channel: while a script call of a channel is in flight, the single publishes that arrive for it
     * wait and then go together as the next multi-event call. Redis runs one channel's calls one after the other
     * anyway, so this costs an event at most the round trip it waited for, and under load it turns N script calls
     * (N connections taken from the pool, N timers, N RESP encodings and replies) into one: the single-publish path
     * gets close to the batch path's cost per event.
     */
    private void enqueue(Waiting waiting) {
        while (true) {
            Lane lane = lanes.computeIfAbsent(waiting.publication.channel(), Lane::new);
            boolean send;
            synchronized (lane) {
                if (lane.retired) {
                    continue; // went idle and left the map between the lookup and the lock: take the new one
                }
                lane.waiting.add(waiting);
                send = !lane.sending;
                lane.sending = true;
            }
            if (send) {
                flush(lane);
            }
            return;
        }
    }

    /** Sends what waits on {@code lane} as one call; when nothing waits, the lane retires. */
    private void flush(Lane lane) {
        List<Waiting> batch;
        synchronized (lane) {
            if (lane.waiting.isEmpty()) {
                lane.sending = false;
                lane.retired = true;
                lanes.remove(lane.channel, lane);
                return;
            }
            if (lane.waiting.size() <= MAX_COALESCED) {
                batch = lane.waiting;
                lane.waiting = new ArrayList<>();
            } else {
                List<Waiting> first = lane.waiting.subList(0, MAX_COALESCED);
                batch = new ArrayList<>(first);
                first.clear();
            }
        }
        Call call;
        try {
            call = new Call(lane.channel);
            for (int i = 0; i < batch.size(); i++) {
                call.add(i, batch.get(i).publication, batch.get(i).json);
            }
        } catch (PublishException e) {
            settled(lane, batch, null, e);
            return;
        }
        send(redis::send, call).subscribe().with(results -> settled(lane, batch, results, null),
                failure -> settled(lane, batch, null, (PublishException) unavailable(failure)));
    }

    private void settled(Lane lane, List<Waiting> batch, List<Published> results, PublishException failure) {
        inFlight.addAndGet(-batch.size());
        for (int k = 0; k < batch.size(); k++) {
            if (failure == null) {
                batch.get(k).emitter.complete(results.get(k));
            } else {
                batch.get(k).emitter.fail(failure);
            }
        }
        if (failure != null && failure.reason() == PublishException.Reason.UNAVAILABLE) {
            // Redis did not answer this channel's call: what waited behind it would only wait as long again.
            List<Waiting> behind;
            synchronized (lane) {
                behind = lane.waiting;
                lane.waiting = new ArrayList<>();
            }
            inFlight.addAndGet(-behind.size());
            PublishException notSent = new PublishException(PublishException.Reason.UNAVAILABLE, "Redis did not "
                    + "answer the publish before this one on its channel in time, so this event was not sent to it;"
                    + " retrying with the same id is safe (an id is published once)");
            behind.forEach(w -> w.emitter.fail(notSent));
        }
        flush(lane);
    }

    @Override
    public Uni<List<Outcome>> publishAll(List<Publication> publications) {
        Outcome[] outcomes = new Outcome[publications.size()];
        Map<String, Call> calls = group(publications, outcomes);
        if (calls.isEmpty()) {
            return Uni.createFrom().item(Arrays.asList(outcomes));
        }
        PublishException refusal = admit();
        if (refusal != null) {
            calls.values().forEach(call -> call.refuse(outcomes, refusal));
            return Uni.createFrom().item(Arrays.asList(outcomes));
        }
        Uni<Void> done;
        if (calls.size() == 1) {
            done = settle(redis::send, calls.values().iterator().next(), outcomes);
        } else {
            // Calls of different channels go one after the other on one connection without waiting for the
            // replies (pipelining): one round trip for the whole batch.
            done = redis.connect()
                    .ifNoItem().after(settings.timeout()).fail()
                    .onFailure().transform(RedisEventPublisher::unavailable)
                    .onFailure().invoke(e -> calls.values().forEach(call -> call.refuse(outcomes, (PublishException) e)))
                    .chain(connection -> Uni.join().all(calls.values().stream()
                                    .map(call -> settle(connection::send, call, outcomes)).toList())
                            .andCollectFailures()
                            .eventually(connection::close))
                    .replaceWithVoid()
                    .onFailure().recoverWithNull();
        }
        return done.eventually(inFlight::decrementAndGet).map(ignored -> Arrays.asList(outcomes));
    }

    @Override
    public Uni<Pipelined> publishAllThen(List<Publication> publications, List<Request> after, Duration timeout) {
        Outcome[] outcomes = new Outcome[publications.size()];
        Map<String, Call> calls = group(publications, outcomes);
        PublishException refusal = admit();
        if (refusal != null) {
            return Uni.createFrom().failure(refusal);
        }
        return redis.connect()
                .ifNoItem().after(timeout).fail()
                .onFailure().transform(RedisEventPublisher::unavailable)
                .chain(connection -> {
                    // Subscribed in list order, so the requests leave on the connection in that order.
                    List<Uni<Void>> events = calls.values().stream().map(call -> settle(connection::send, call, outcomes, timeout, true)).toList();
                    List<Uni<Response>> replies = after.stream().map(request -> connection.send(request)
                            .ifNoItem().after(timeout).fail()
                            .onFailure().transform(RedisEventPublisher::unavailable)).toList();
                    Uni<Void> published = events.isEmpty() ? Uni.createFrom().voidItem()
                            : Uni.join().all(events).andCollectFailures().replaceWithVoid();
                    Uni<List<Response>> answered = replies.isEmpty() ? Uni.createFrom().item(List.of())
                            : Uni.join().all(replies).andFailFast();
                    return Uni.combine().all().unis(published, answered).asTuple()
                            .map(t -> new Pipelined(Arrays.asList(outcomes), t.getItem2()))
                            .eventually(connection::close);
                })
                .eventually(inFlight::decrementAndGet);
    }

    /** The publications by channel, in order; a refused one gets its outcome here and joins no call. */
    private Map<String, Call> group(List<Publication> publications, Outcome[] outcomes) {
        Map<String, Call> calls = new LinkedHashMap<>();
        for (int i = 0; i < publications.size(); i++) {
            Publication publication = publications.get(i);
            try {
                ChannelName.of(publication.channel());
                calls.computeIfAbsent(publication.channel(), Call::new).add(i, publication);
            } catch (PublishException e) {
                outcomes[i] = Outcome.refused(e);
            }
        }
        // A channel whose every event was refused has nothing to send.
        calls.values().removeIf(call -> call.positions.isEmpty());
        return calls;
    }

    /** Null when a publish may wait for Redis (and it is counted), else why not. */
    private PublishException admit() {
        if (inFlight.incrementAndGet() <= settings.maxInFlight()) {
            return null;
        }
        inFlight.decrementAndGet();
        if (System.nanoTime() - lastReplyNanos > settings.timeout().toNanos()) {
            // Nothing answered for a whole timeout: the queue is full because Redis is stuck, not busy.
            return new PublishException(PublishException.Reason.UNAVAILABLE,
                    "Redis has not answered for " + settings.timeout().toMillis() + " ms, so this event was not sent to it;"
                    + " retrying with the same id is safe (an id is published once)");
        }
        return new PublishException(PublishException.Reason.RATE_LIMITED, settings.maxInFlight()
                + " publishes are already waiting for Redis; nothing was published, retry shortly");
    }

    private Uni<Void> settle(Function<Request, Uni<Response>> sender, Call call, Outcome[] outcomes) {
        return settle(sender, call, outcomes, settings.timeout(), false);
    }

    /** {@code ordered}: the call must run before whatever the connection carries after it (see {@link #send}). */
    private Uni<Void> settle(Function<Request, Uni<Response>> sender, Call call, Outcome[] outcomes, Duration timeout,
            boolean ordered) {
        return send(sender, call, timeout, ordered)
                .invoke(results -> {
                    for (int k = 0; k < results.size(); k++) {
                        outcomes[call.positions.get(k)] = Outcome.published(results.get(k));
                    }
                })
                .onFailure().invoke(e -> call.refuse(outcomes, (PublishException) e))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private Uni<List<Published>> send(Function<Request, Uni<Response>> sender, Call call) {
        return send(sender, call, settings.timeout(), false);
    }

    private Uni<List<Published>> send(Function<Request, Uni<Response>> sender, Call call, Duration timeout, boolean ordered) {
        // EVALSHA's NOSCRIPT fallback would send the EVAL after whatever the connection carries next, so a
        // pipeline that must keep its order sends EVAL at once (Redis keeps the compiled script either way).
        Uni<Response> reply = ordered ? sender.apply(SCRIPT.evalRequest(call.keys, call.args))
                : SCRIPT.call(sender, call.keys, call.args);
        return reply
                .ifNoItem().after(timeout).fail()
                .onFailure().transform(RedisEventPublisher::unavailable)
                .map(call::results);
    }

    private static Throwable unavailable(Throwable t) {
        if (t instanceof PublishException) {
            return t;
        }
        if (t instanceof ConnectionPoolTooBusyException
                || (t.getMessage() != null && t.getMessage().contains("waiting queue is full"))) {
            return new PublishException(PublishException.Reason.RATE_LIMITED,
                    "too many Redis commands are waiting in this process; nothing was published, retry shortly", t);
        }
        String why = t instanceof TimeoutException ? "Redis did not answer in time" : "Redis did not take the event ("
                + t.getMessage() + ")";
        return new PublishException(PublishException.Reason.UNAVAILABLE, why + RETRY_HINT, t);
    }

    /** The single publishes of one channel: the call in flight, and what waits for it (see {@link #enqueue}). */
    private static final class Lane {

        final String channel;
        /** Guarded by this lane: whether a call is in flight, what waits, and whether the lane left the map. */
        boolean sending;
        boolean retired;
        List<Waiting> waiting = new ArrayList<>();

        Lane(String channel) {
            this.channel = channel;
        }
    }

    /** One single publish waiting in its lane. */
    private static final class Waiting {

        final Publication publication;
        final String json;
        UniEmitter<? super Published> emitter;

        Waiting(Publication publication, String json) {
            this.publication = publication;
            this.json = json;
        }
    }

    /** The events of one channel, as one call of the publish script. */
    private final class Call {

        final ChannelName name;
        final NamespacePolicy policy;
        final List<String> keys = new ArrayList<>(4);
        final List<String> args = new ArrayList<>(8);
        final List<Integer> positions = new ArrayList<>(1);
        final List<String> ids = new ArrayList<>(1);

        Call(String channel) {
            this.name = ChannelName.of(channel);
            this.policy = namespaces.policyOf(name);
            keys.addAll(List.of(name.offsetKey(), name.epochKey(), name.historyKey(), name.pubSubChannel()));
            args.addAll(List.of(name.value(), Integer.toString(policy.history()),
                    Long.toString(Math.max(1, settings.channelTtl().toSeconds())), Epochs.random(),
                    settings.sharded() ? "SPUBLISH" : "PUBLISH",
                    Long.toString(Math.max(1, settings.idempotencyTtl().toMillis()))));
        }

        /** Adds an event (validated here: a refusal leaves the call as it was). */
        void add(int position, Publication publication) {
            add(position, publication, encodeChecked(publication.event()));
        }

        /** Adds an event already validated and encoded by {@link #encodeChecked}. */
        void add(int position, Publication publication, String json) {
            args.add(json);
            if (publication.idempotencyScope() == null) {
                args.add("0");
            } else {
                keys.add(name.idempotencyKey(publication.idempotencyScope(), publication.event().id()));
                args.add(Integer.toString(keys.size()));
            }
            positions.add(position);
            ids.add(publication.event().id());
        }

        void refuse(Outcome[] outcomes, PublishException refusal) {
            positions.forEach(p -> outcomes[p] = Outcome.refused(refusal));
        }

        List<Published> results(Response reply) {
            lastReplyNanos = System.nanoTime();
            List<Published> results = new ArrayList<>(reply.size());
            for (int k = 0; k < reply.size(); k++) {
                Response result = reply.get(k);
                if (result.get(2).toInteger() == 0) {
                    published.incrementAndGet();
                }
                results.add(new Published(ids.get(k), name.value(), result.get(0).toString(), result.get(1).toLong()));
            }
            return results;
        }
    }
}
