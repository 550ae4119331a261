package io.heliograph.relay.crud;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.rest.HttpProblem;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * JSON documents with numeric ids in Redis: a hash {@code relay:<name>:items} (id to JSON) and a
 * counter {@code relay:<name>:seq}. Each operation is atomic on its own (an update never brings a
 * deleted document back); there are no multi-document transactions. Thread-safe; never blocks.
 */
public class DocumentStore<D extends DocumentStore.Document> {

    /** What the store needs of a document. */
    public interface Document {
        long id();
    }

    /** Replaces a field only if it still exists: an update racing a delete must not resurrect it. */
    private static final String REPLACE = "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end return 0";

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final RelayConfig config;
    private final Class<D> type;
    private final String itemsKey;
    private final String seqKey;

    public DocumentStore(ReactiveRedisDataSource redis, ObjectMapper mapper, RelayConfig config, String name,
            Class<D> type) {
        this.redis = redis;
        this.mapper = mapper;
        this.config = config;
        this.type = type;
        this.itemsKey = "relay:" + name + ":items";
        this.seqKey = "relay:" + name + ":seq";
    }

    /** Every document, by ascending id. */
    public Uni<List<D>> list() {
        return command("HVALS", itemsKey).map(reply -> {
            List<D> all = new java.util.ArrayList<>();
            reply.forEach(json -> all.add(decode(json.toString())));
            all.sort(Comparator.comparingLong(Document::id));
            return all;
        });
    }

    public Uni<Optional<D>> get(long id) {
        return command("HGET", itemsKey, Long.toString(id))
                .map(reply -> Optional.ofNullable(reply).map(r -> decode(r.toString())));
    }

    /** Stores the document {@code build} makes for a fresh id. */
    public Uni<D> create(LongFunction<D> build) {
        return command("INCR", seqKey).chain(seq -> {
            D document = build.apply(seq.toLong());
            return command("HSET", itemsKey, Long.toString(document.id()), encode(document)).replaceWith(document);
        });
    }

    /** Replaces the document by {@code change} of it; empty when there is no such document. */
    public Uni<Optional<D>> update(long id, UnaryOperator<D> change) {
        return get(id).chain(current -> {
            if (current.isEmpty()) {
                return Uni.createFrom().item(Optional.<D>empty());
            }
            D updated = change.apply(current.get());
            return command("EVAL", REPLACE, "1", itemsKey, Long.toString(id), encode(updated))
                    .map(replaced -> replaced.toLong() == 1 ? Optional.of(updated) : Optional.<D>empty());
        });
    }

    /** Deletes the document; answers it, or empty when there was none (or another delete won). */
    public Uni<Optional<D>> delete(long id) {
        return get(id).chain(current -> current.isEmpty() ? Uni.createFrom().item(current)
                : command("HDEL", itemsKey, Long.toString(id))
                        .map(removed -> removed.toLong() == 1 ? current : Optional.<D>empty()));
    }

    private Uni<Response> command(String command, String... args) {
        return redis.execute(command, args)
                .ifNoItem().after(config.redisTimeout()).fail()
                .onFailure().transform(e -> HttpProblem.unavailable("Redis is unreachable: nothing was changed",
                        config.unavailableRetryAfter()));
    }

    private String encode(D document) {
        try {
            return mapper.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName(), e);
        }
    }

    private D decode(String json) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in " + itemsKey, e);
        }
    }
}
