package io.heliograph.fetcher.price;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.rest.UnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;

/**
 * The latest price of every symbol: kept in memory by the replica that publishes, mirrored to the
 * Redis hash {@code prices:latest} for every replica's {@code GET /api/prices}, and published as
 * {@code price-update} on {@code prices.<slug>}.
 *
 * <p>Guarantees: {@link #record} never blocks and may be called from any thread. Per symbol, updates
 * are published one at a time in the order they were recorded; while one is in flight only the
 * newest waiting update is kept (older ones are superseded), so a slow Redis costs latency, never
 * memory.
 */
@ApplicationScoped
public class PriceBook {

    private static final Logger LOG = Logger.getLogger(PriceBook.class);
    static final String SOURCE = "/fetcher-service";
    static final String TYPE = "price-update";

    private final EventPublisher publisher;
    private final ReactiveHashCommands<String, String, String> hash;
    private final ObjectMapper mapper;
    private final FetcherConfig config;
    private final String key;
    private final Map<String, PriceUpdate> latest = new ConcurrentHashMap<>();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean livePrices;

    public PriceBook(EventPublisher publisher, ReactiveRedisDataSource redis, ObjectMapper mapper,
            FetcherConfig config, FetcherIdentity identity) {
        this.publisher = publisher;
        this.hash = redis.hash(String.class);
        this.mapper = mapper;
        this.config = config;
        this.key = identity.latestPricesKey();
    }

    /** The channel of a symbol's updates. */
    public String channelOf(String symbol) {
        return config.channels().pricePrefix() + PriceUpdate.slug(symbol);
    }

    /** Loads what the previous publisher left in Redis, so previous and open prices carry over. */
    public Uni<Map<String, PriceUpdate>> load() {
        return readAll().invoke(all -> all.forEach(latest::putIfAbsent));
    }

    /** Whether a real (non-simulated) price was recorded since this replica started. */
    public boolean hasLivePrices() {
        return livePrices;
    }

    /**
     * Records a new price and publishes it.
     *
     * @param open the change reference, or null to use the first price of the UTC day seen here
     */
    public PriceUpdate record(String symbol, double price, Double open, Instant at, String feed, boolean simulated) {
        PriceUpdate update = latest.compute(symbol, (s, prev) -> {
            double reference = open != null ? open
                    : prev != null && sameUtcDay(prev.timestamp(), at) ? prev.openPrice() : price;
            double change = reference == 0 ? 0 : Math.round((price / reference - 1) * 1e6) / 1e4;
            return new PriceUpdate(symbol, price, prev == null ? null : prev.price(), reference, change, at, simulated,
                    feed);
        });
        if (!simulated) {
            livePrices = true;
        }
        lanes.computeIfAbsent(symbol, Lane::new).offer(update);
        return update;
    }

    private static boolean sameUtcDay(Instant a, Instant b) {
        return a != null && a.atZone(ZoneOffset.UTC).toLocalDate().equals(b.atZone(ZoneOffset.UTC).toLocalDate());
    }

    /** The latest price of every symbol in Redis, configured symbols first in their order. */
    public Uni<List<PriceUpdate>> all() {
        List<String> order = config.symbols();
        return readAll().map(all -> {
            List<PriceUpdate> list = new ArrayList<>(all.values());
            list.sort(Comparator.comparingInt((PriceUpdate p) -> {
                int i = order.indexOf(p.symbol());
                return i < 0 ? Integer.MAX_VALUE : i;
            }).thenComparing(PriceUpdate::symbol));
            return list;
        });
    }

    private Uni<Map<String, PriceUpdate>> readAll() {
        return hash.hgetall(key)
                .onFailure().transform(e -> new UnavailableException("Redis is unreachable", e))
                .map(raw -> {
                    Map<String, PriceUpdate> parsed = new HashMap<>();
                    raw.forEach((symbol, json) -> {
                        try {
                            parsed.put(symbol, mapper.readValue(json, PriceUpdate.class));
                        } catch (JsonProcessingException e) {
                            LOG.warnf("ignoring unreadable %s entry for %s", key, symbol);
                        }
                    });
                    return parsed;
                });
    }

    private Uni<Void> publishAndStore(PriceUpdate update) {
        String json;
        try {
            json = mapper.writeValueAsString(update);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        CloudEvent event = CloudEvent.of(SOURCE, TYPE, update.symbol(), update);
        return publisher.publish(channelOf(update.symbol()), event)
                .chain(() -> hash.hset(key, update.symbol(), json))
                .replaceWithVoid();
    }

    /** Serialises the publishes of one symbol; see the class guarantees. */
    private final class Lane {
        private final String symbol;
        private PriceUpdate waiting;
        private boolean busy;

        Lane(String symbol) {
            this.symbol = symbol;
        }

        void offer(PriceUpdate update) {
            synchronized (this) {
                if (busy) {
                    waiting = update;
                    return;
                }
                busy = true;
            }
            send(update);
        }

        private void send(PriceUpdate update) {
            publishAndStore(update).subscribe().with(ok -> next(), failure -> {
                LOG.warnf("price-update of %s not published: %s", symbol, failure.getMessage());
                next();
            });
        }

        private void next() {
            PriceUpdate n;
            synchronized (this) {
                n = waiting;
                waiting = null;
                if (n == null) {
                    busy = false;
                    return;
                }
            }
            send(n);
        }
    }
}
