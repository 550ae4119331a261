package io.heliograph.fetcher.source.twelvedata;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.price.PriceBook;
import io.heliograph.fetcher.price.PriceFeed;
import io.heliograph.fetcher.price.PriceUpdate;
import io.heliograph.fetcher.source.SourceErrors;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Real-time prices from Twelve Data: its WebSocket price stream, and while the stream is down its
 * REST {@code /price} endpoint polled every {@code rest-poll-every}. The stream is reconnected with
 * exponential backoff; once it is subscribed again, polling stops.
 *
 * <p>All state changes happen on one Vert.x context (the event loop this feed was started on is not
 * guaranteed, so every mutation is synchronized); nothing here blocks.
 */
@ApplicationScoped
public class TwelveDataFeed implements PriceFeed {

    private static final Logger LOG = Logger.getLogger(TwelveDataFeed.class);
    private static final Duration RATE_LIMIT_PAUSE = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final TwelveDataApi api;
    private final PriceBook book;
    private final ObjectMapper mapper;
    private final FetcherConfig.TwelveData config;
    private final List<String> symbols;
    private final FetcherIdentity identity;
    private final java.time.Duration handshakeTimeout;

    private WebSocketClient client;
    private WebSocket socket;
    private boolean running;
    private boolean streaming;
    private long generation;
    private long pollTimer = -1;
    private long heartbeatTimer = -1;
    private long reconnectTimer = -1;
    private Duration reconnectDelay;
    /** A 429 from the REST endpoint: no poll before this. */
    private volatile Instant pollPausedUntil = Instant.MIN;

    public TwelveDataFeed(Vertx vertx, @RestClient TwelveDataApi api, PriceBook book, ObjectMapper mapper,
            FetcherConfig config, FetcherIdentity identity) {
        this.vertx = vertx;
        this.api = api;
        this.book = book;
        this.mapper = mapper;
        this.config = config.twelveData();
        this.symbols = config.symbols();
        this.identity = identity;
        this.handshakeTimeout = config.sourceTimeout();
    }

    /** Whether an API key is configured; without one this feed never starts. */
    public boolean configured() {
        return config.apiKey().isPresent();
    }

    @Override
    public synchronized void start() {
        if (running || !configured()) {
            return;
        }
        running = true;
        generation++;
        reconnectDelay = config.reconnectMin();
        client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout((int) handshakeTimeout.toMillis())
                .setMaxFrameSize(65536));
        connect(generation);
    }

    @Override
    public synchronized void stop() {
        running = false;
        streaming = false;
        generation++;
        cancel(pollTimer);
        cancel(heartbeatTimer);
        cancel(reconnectTimer);
        pollTimer = heartbeatTimer = reconnectTimer = -1;
        if (socket != null) {
            socket.close();
            socket = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public synchronized String state() {
        return !running ? "stopped" : streaming ? "streaming" : "polling REST (stream down)";
    }

    /** True while prices come over the WebSocket. */
    public synchronized boolean streaming() {
        return streaming;
    }

    private void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void connect(long gen) {
        String url = config.streamUrl() + (config.streamUrl().contains("?") ? "&" : "?") + "apikey="
                + java.net.URLEncoder.encode(config.apiKey().orElseThrow(), java.nio.charset.StandardCharsets.UTF_8);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(url)
                .addHeader("User-Agent", identity.userAgent())
                // A server that accepts the connection but never answers the upgrade must not hang the feed.
                .setTimeout(handshakeTimeout.toMillis());
        client.connect(options).onComplete(result -> {
            synchronized (this) {
                if (gen != generation) {
                    if (result.succeeded()) {
                        result.result().close();
                    }
                    return;
                }
                if (result.failed()) {
                    LOG.warnf("Twelve Data stream unreachable: %s", redact(SourceErrors.describe(result.cause())));
                    streamDown(gen);
                    return;
                }
                socket = result.result();
                socket.textMessageHandler(text -> onMessage(gen, text));
                socket.closeHandler(v -> onClosed(gen));
                socket.exceptionHandler(e -> LOG.debugf("Twelve Data stream error: %s", redact(SourceErrors.describe(e))));
                socket.writeTextMessage("{\"action\":\"subscribe\",\"params\":{\"symbols\":\""
                        + String.join(",", symbols) + "\"}}");
                heartbeatTimer = vertx.setPeriodic(config.heartbeatEvery().toMillis(), id -> {
                    synchronized (this) {
                        if (socket != null && gen == generation) {
                            socket.writeTextMessage("{\"action\":\"heartbeat\"}");
                        }
                    }
                });
            }
        });
    }

    private void onMessage(long gen, String text) {
        JsonNode msg;
        try {
            msg = mapper.readTree(text);
        } catch (Exception e) {
            LOG.debugf("ignoring a malformed Twelve Data message");
            return;
        }
        String event = msg.path("event").asText("");
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            if ("subscribe-status".equals(event) && "ok".equals(msg.path("status").asText())) {
                streamUp();
            }
        }
        if ("price".equals(event) && msg.hasNonNull("symbol") && msg.path("price").isNumber()) {
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                streamUp();
            }
            long ts = msg.path("timestamp").asLong(0);
            book.record(msg.get("symbol").asText(), msg.get("price").doubleValue(), null,
                    ts > 0 ? Instant.ofEpochSecond(ts) : Instant.now(), PriceUpdate.FEED_STREAM, false);
        }
    }

    /** The stream delivers: REST polling is no longer needed. Caller holds the lock. */
    private void streamUp() {
        if (streaming) {
            return;
        }
        streaming = true;
        reconnectDelay = config.reconnectMin();
        cancel(pollTimer);
        pollTimer = -1;
        LOG.info("Twelve Data stream is up; REST polling stopped");
    }

    private void onClosed(long gen) {
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            LOG.warn("Twelve Data stream closed");
            socket = null;
            cancel(heartbeatTimer);
            heartbeatTimer = -1;
            streamDown(gen);
        }
    }

    /** Starts REST polling (at once) if it is not running, and schedules a reconnect. Caller holds the lock. */
    private void streamDown(long gen) {
        streaming = false;
        if (pollTimer < 0) {
            pollTimer = vertx.setPeriodic(1, config.restPollEvery().toMillis(), id -> poll(gen));
        }
        Duration delay = reconnectDelay;
        Duration doubled = reconnectDelay.multipliedBy(2);
        reconnectDelay = doubled.compareTo(config.reconnectMax()) > 0 ? config.reconnectMax() : doubled;
        reconnectTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            synchronized (this) {
                if (gen == generation) {
                    connect(gen);
                }
            }
        });
    }

    private void poll(long gen) {
        if (Instant.now().isBefore(pollPausedUntil)) {
            return;
        }
        api.price(String.join(",", symbols), config.apiKey().orElseThrow(), identity.userAgent())
                .subscribe().with(body -> {
                    synchronized (this) {
                        if (gen != generation || streaming) {
                            return;
                        }
                    }
                    record(body);
                }, failure -> {
                    SourceErrors.retryAfter(failure).ifPresent(wait -> pollPausedUntil = Instant.now().plus(wait));
                    LOG.warnf("Twelve Data REST poll failed: %s", redact(SourceErrors.describe(failure)));
                });
    }

    private void record(JsonNode body) {
        if ("error".equals(body.path("status").asText())) {
            // Twelve Data reports its rate limit as HTTP 200 with code 429 and no Retry-After: its credits refill each minute.
            if (body.path("code").asInt() == 429) {
                pollPausedUntil = Instant.now().plus(RATE_LIMIT_PAUSE);
            }
            LOG.warnf("Twelve Data REST poll refused: code %s", body.path("code").asText("?"));
            return;
        }
        Instant now = Instant.now();
        if (symbols.size() == 1) {
            recordOne(symbols.get(0), body, now);
            return;
        }
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) body::fields) {
            recordOne(entry.getKey(), entry.getValue(), now);
        }
    }

    private void recordOne(String symbol, JsonNode node, Instant now) {
        JsonNode price = node.path("price");
        double value = price.isNumber() ? price.doubleValue() : price.isTextual() ? parse(price.textValue()) : Double.NaN;
        if (!Double.isNaN(value) && symbols.contains(symbol)) {
            book.record(symbol, value, null, now, PriceUpdate.FEED_REST, false);
        }
    }

    private static double parse(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private String redact(String message) {
        return SourceErrors.redact(message, config.apiKey());
    }
}
