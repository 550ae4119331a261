package io.heliograph.fetcher.testing;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;

/**
 * A local Twelve Data price stream: a Vert.x WebSocket server that answers the subscribe action
 * with {@code subscribe-status} and then sends a BTC/USD {@code price} event every 100 ms, and that
 * can drop every connection and refuse new ones on demand.
 */
public final class StreamStub {

    private final Vertx vertx = Vertx.vertx();
    private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    /** The query strings of the accepted upgrades. */
    public final List<String> queries = new CopyOnWriteArrayList<>();
    public final List<String> received = new CopyOnWriteArrayList<>();
    private volatile boolean accepting = true;
    private volatile double price = 97000;
    private HttpServer server;

    public StreamStub start() throws Exception {
        // Upgrades are taken explicitly from the request handler, so a refused one is a plain 503.
        server = vertx.createHttpServer().requestHandler(request -> {
            if (!accepting) {
                request.response().setStatusCode(503).end();
                return;
            }
            request.toWebSocket().onSuccess(this::onSocket);
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return this;
    }

    public String url() {
        return "ws://127.0.0.1:" + server.actualPort() + "/v1/quotes/price";
    }

    private void onSocket(ServerWebSocket ws) {
        queries.add(ws.query());
        sockets.add(ws);
        long[] timer = { -1 };
        ws.textMessageHandler(text -> {
            received.add(text);
            if (text.contains("\"subscribe\"")) {
                ws.writeTextMessage("{\"event\":\"subscribe-status\",\"status\":\"ok\",\"success\":[{\"symbol\":\"BTC/USD\"}],\"fails\":[]}");
                timer[0] = vertx.setPeriodic(100, id -> {
                    price += 1;
                    ws.writeTextMessage(String.format(Locale.ROOT,
                            "{\"event\":\"price\",\"symbol\":\"BTC/USD\",\"currency_base\":\"Bitcoin\",\"currency_quote\":\"US Dollar\","
                                    + "\"exchange\":\"Coinbase Pro\",\"type\":\"Digital Currency\",\"timestamp\":%d,\"price\":%s}",
                            System.currentTimeMillis() / 1000, price));
                });
            }
        });
        ws.closeHandler(v -> {
            sockets.remove(ws);
            if (timer[0] >= 0) {
                vertx.cancelTimer(timer[0]);
            }
        });
    }

    /** Closes every open stream and refuses new ones (503 on the upgrade). */
    public void dropAndRefuse() {
        accepting = false;
        sockets.forEach(ws -> ws.close());
    }

    public void accept() {
        accepting = true;
    }

    public int openSockets() {
        return sockets.size();
    }

    public void stop() {
        vertx.close();
    }
}
