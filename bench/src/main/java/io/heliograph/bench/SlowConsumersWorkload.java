package io.heliograph.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.json.JsonObject;

/**
 * {@code slow} (issue 20): connections that subscribe and then never read again, beside a few that
 * read everything, while events of about 2 KB are published at a fixed rate. Measures how long the
 * gateway takes to close every stalled connection with 4009, whether the readers still get every
 * event, how long {@code /q/health/live} takes to answer throughout, and the gateway's RSS and heap.
 */
final class SlowConsumersWorkload {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private SlowConsumersWorkload() {
    }

    static int run(Args args) {
        int stalledCount = args.integer("stalled", 2_000, 1, Rig.MAX_CONNECTIONS);
        int readerCount = args.integer("readers", 50, 1, 1_000);
        int rate = args.integer("rate", 200, 1, 10_000);
        int seconds = args.integer("duration", 20, 1, 300);
        int padding = args.integer("payload-bytes", 1_800, 0, 60_000);
        Rig.checkConnections(stalledCount + readerCount);
        try (Rig rig = new Rig(args)) {
            args.refuseUnknown();
            rig.startWatchdog(stalledCount / 200 + seconds + 90);
            URI http = URI.create("http://" + rig.url.getHost() + ":" + rig.url.getPort());
            String channel = "prices.bench-" + Rig.runId() + "-slow";
            AtomicLong lastDelivery = new AtomicLong();
            Fleet readers = new Fleet(rig.vertx, rig.url, rig.eventLoops, readerCount, rig.perAddress, rig.connectTimeoutMillis,
                    (connection, frame, now) -> lastDelivery.set(now));
            readers.open(Collections.nCopies(readerCount, channel), rig.connectRate, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            long closesBefore = stat(http, "slowConsumerCloses");
            List<Socket> stalled = new ArrayList<>();
            long connectStart = System.nanoTime();
            for (int i = 0; i < stalledCount; i++) {
                // Beside the readers' 127.0.0.1: the gateway counts connections per client address.
                stalled.add(stalledClient(rig.url, "127.0.0." + (11 + i / rig.perAddress), channel));
            }
            long connectNanos = System.nanoTime() - connectStart;
            System.err.printf("slow: %d readers subscribed, %d stalled clients connected in %.1f s; publishing %d events/s for %d s ...%n",
                    readers.subscribedCount(), stalled.size(), connectNanos / 1e9, rate, seconds);

            long rssBefore = rig.gateway.map(ProcessProbe::rssBytes).orElse(-1L);
            long peakRss = rssBefore;
            long slowestHealth = 0;
            int healthFailures = 0;
            long allClosedAt = -1;
            long firstClosedAt = -1;
            // Events Redis had acknowledged when the first / the last stalled client was closed: times the
            // frame size, about what each stalled client had been sent (kernel buffers included) by then.
            long eventsAtFirstClose = -1;
            long eventsAtAllClosed = -1;
            try (Publishing publishing = new Publishing(rig.redisUrl)) {
                PacedPublisher publisher = new PacedPublisher(publishing.publisher(), List.of(channel), rate, padding, 10 * rate + 100);
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(seconds);
                // Publish in 200 ms slices; between them, probe health, closes and RSS.
                while (System.nanoTime() < end) {
                    publisher.run(Math.min(TimeUnit.MILLISECONDS.toNanos(200), end - System.nanoTime()));
                    long probe = System.nanoTime();
                    int status = status(http.resolve("/q/health/live"));
                    slowestHealth = Math.max(slowestHealth, System.nanoTime() - probe);
                    if (status != 200) {
                        healthFailures++;
                    }
                    peakRss = Math.max(peakRss, rig.gateway.map(ProcessProbe::rssBytes).orElse(-1L));
                    long closedNow = stat(http, "slowConsumerCloses") - closesBefore;
                    if (firstClosedAt < 0 && closedNow > 0) {
                        firstClosedAt = System.nanoTime() - start;
                        eventsAtFirstClose = publisher.acknowledged();
                    }
                    if (allClosedAt < 0 && closedNow >= stalledCount) {
                        allClosedAt = System.nanoTime() - start;
                        eventsAtAllClosed = publisher.acknowledged();
                    }
                }
                publisher.awaitReplies(TimeUnit.SECONDS.toNanos(10));
                long finalOffset = publishing.lastOffset(channel);
                long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < drainDeadline && readers.connections().stream()
                        .anyMatch(c -> c.subscribed() && !c.closed && c.lastOffset < finalOffset)) {
                    Rig.sleep(Duration.ofMillis(20));
                }
                long missing = 0;
                long duplicates = 0;
                for (Connection c : readers.connections()) {
                    missing += c.missingAtEnd(finalOffset);
                    duplicates += c.duplicates;
                }
                long closed = stat(http, "slowConsumerCloses") - closesBefore;
                readers.closeAll(TimeUnit.SECONDS.toNanos(10));
                for (Socket s : stalled) {
                    s.close();
                }
                Rig.sleep(Duration.ofSeconds(3));
                String heapAfter = rig.gateway.flatMap(g -> g.jcmd("GC.run").flatMap(x -> g.jcmd("GC.heap_info")))
                        .map(info -> info.lines().skip(1).limit(2).map(String::strip).reduce((a, b) -> a + "; " + b).orElse(""))
                        .orElse("n/a");

                Report report = new Report("SLOW consumers: " + stalledCount + " stalled + " + readerCount + " reading connections on 1 channel, "
                        + rate + " events/s of ~" + (padding + 200) + " bytes for " + seconds + " s");
                Machine.describe(report);
                rig.describeGateway(report);
                report.section("stalled clients (subscribe, then never read)");
                report.row("connected", stalled.size() + " in " + Report.fixed(connectNanos / 1e9, 1) + " s");
                report.row("closed with 4009", closed + " of " + stalledCount + (allClosedAt < 0 ? " (not all during the run)"
                        : ", all within " + Report.fixed(allClosedAt / 1e9, 1) + " s of the first event"));
                int frameBytes = padding + 200;
                report.row("first closed", firstClosedAt < 0 ? "none during the run" : "within " + Report.fixed(firstClosedAt / 1e9, 1)
                        + " s of the first event, after " + eventsAtFirstClose + " events (~" + eventsAtFirstClose * frameBytes / 1024 + " KiB sent to each)");
                if (allClosedAt >= 0) {
                    report.row("last closed", "after " + eventsAtAllClosed + " events (~" + eventsAtAllClosed * frameBytes / 1024 + " KiB sent to each)");
                }
                report.row("published", publisher.acknowledged() + " events acknowledged by Redis (failed " + publisher.failed() + ")");
                report.section("readers");
                report.row("subscribed", readers.subscribedCount() + " of " + readerCount + " (closed by gateway " + readers.unexpectedCloses() + ")");
                report.row("LOSS", missing + " missing, " + duplicates + " duplicate/out of order"
                        + (missing == 0 && duplicates == 0 && readers.unexpectedCloses() == 0 ? "  => zero loss" : "  => LOSS"));
                report.section("gateway");
                report.row("/q/health/live", "slowest " + Report.fixed(slowestHealth / 1e6, 1) + " ms, " + healthFailures + " not 200");
                report.row("RSS", rssBefore < 0 ? "n/a" : Report.mib(rssBefore) + " before, peak " + Report.mib(peakRss));
                report.row("heap after GC.run", heapAfter);
                report.row("gateway /api/stats", rig.gatewayStats());
                report.print(System.out);
                return missing == 0 && duplicates == 0 && closed >= stalledCount && healthFailures == 0 ? 0 : 1;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client that completes the handshake, sends one subscribe and never reads again. */
    private static Socket stalledClient(URI url, String localAddress, String channel) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
        }
        byte[] payload = ("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"" + channel + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length); // under 126 bytes; masked, as client frames must be
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = payload[i]; // mask 0: the masked bytes are the payload itself
        }
        out.write(frame);
        out.flush();
        return socket;
    }

    private static long stat(URI http, String field) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(http.resolve("/api/stats")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return new JsonObject(body).getLong(field, -1L);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
