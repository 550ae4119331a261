package io.heliograph.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Clients coming and going at random, as on a busy chat: each connects to one of the gateways,
 * subscribes to one to three channels and leaves at a random moment, often before its
 * {@code subscribed} replies: right after the upgrade, right after sending, a few milliseconds
 * later, or after living subscribed for up to 1.5 s; half of them with a close frame, half by
 * resetting the TCP connection. Then {@link #leaks} says what the gateways and Redis still hold
 * for the churned channels, and {@link #liveHeapAfterFullGc} how much heap a gateway keeps.
 *
 * <p>The clients are plain sockets speaking just enough WebSocket (RFC 6455) to do that, because
 * no WebSocket library lets a client reset its connection mid-frame. Shared by the churn
 * system test and the {@code churn} bench workload.
 */
public final class Churn {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern REPLY = Pattern.compile("^\\{\"op\":\"(subscribed|error|unsubscribed)\",\"id\":(\\d+)");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final int SOCKET_TIMEOUT_MS = 10_000;

    private Churn() {
    }

    /**
     * What to run.
     *
     * @param gateways          the gateways' http URIs (loopback)
     * @param channels          the channels the clients subscribe to (give presence ones, e.g. {@code chat.*})
     * @param clients           clients at once (one thread each)
     * @param sessionsPerSecond new sessions per second over all clients, at most
     */
    public record Plan(List<URI> gateways, List<String> channels, int clients, int sessionsPerSecond, Duration duration, long seed) {
    }

    /** What the clients did. */
    public record Tally(long sessions, long beforeWelcome, long midSubscribe, long subscribedFirst, long resets, long closes,
            long refused, long failed, Duration elapsed) {

        public double sessionsPerSecond() {
            return sessions / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "%d sessions in %.1f s (%.0f/s): %d left before welcome, %d mid-subscribe, %d after subscribed; "
                            + "%d TCP resets, %d close frames; %d upgrades refused, %d failed",
                    sessions, elapsed.toNanos() / 1e9, sessionsPerSecond(), beforeWelcome, midSubscribe, subscribedFirst, resets,
                    closes, refused, failed);
        }
    }

    private static final class Counters {
        final LongAdder sessions = new LongAdder();
        final LongAdder beforeWelcome = new LongAdder();
        final LongAdder midSubscribe = new LongAdder();
        final LongAdder subscribedFirst = new LongAdder();
        final LongAdder resets = new LongAdder();
        final LongAdder closes = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder failed = new LongAdder();
    }

    /** Runs the plan to its end; returns what the clients did. */
    public static Tally run(Plan plan) throws InterruptedException {
        Counters counters = new Counters();
        long start = System.nanoTime();
        long deadline = start + plan.duration().toNanos();
        long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, plan.sessionsPerSecond());
        AtomicLong nextSlot = new AtomicLong(start);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < plan.clients(); i++) {
            SplittableRandom random = new SplittableRandom(plan.seed() * 1_000_003 + i);
            Thread thread = new Thread(() -> {
                while (true) {
                    long slot = nextSlot.getAndUpdate(n -> Math.max(n, System.nanoTime() - interval) + interval);
                    if (slot >= deadline) {
                        return;
                    }
                    long wait = slot - System.nanoTime();
                    if (wait > 0) {
                        sleepNanos(wait);
                    }
                    session(plan, random, counters);
                }
            }, "churn-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 30_000));
        }
        return new Tally(counters.sessions.sum(), counters.beforeWelcome.sum(), counters.midSubscribe.sum(),
                counters.subscribedFirst.sum(), counters.resets.sum(), counters.closes.sum(), counters.refused.sum(),
                counters.failed.sum(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static void session(Plan plan, SplittableRandom random, Counters counters) {
        URI gateway = plan.gateways().get(random.nextInt(plan.gateways().size()));
        Set<String> channels = new HashSet<>();
        int wanted = 1 + random.nextInt(Math.min(3, plan.channels().size()));
        while (channels.size() < wanted) {
            channels.add(plan.channels().get(random.nextInt(plan.channels().size())));
        }
        boolean reset = random.nextBoolean();
        int how = random.nextInt(100);
        try (RawClient ws = RawClient.open(gateway)) {
            if (ws == null) {
                counters.refused.increment();
                return;
            }
            counters.sessions.increment();
            if (how < 10) {
                counters.beforeWelcome.increment();
            } else {
                int id = 0;
                for (String channel : channels) {
                    ws.text("{\"op\":\"subscribe\",\"id\":" + (++id) + ",\"channel\":\"" + channel + "\"}");
                }
                if (how < 60) {
                    // Mid-subscribe: at once, or a moment later, while the replies are on their way.
                    counters.midSubscribe.increment();
                    if (how >= 35) {
                        sleepNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(3)));
                    }
                } else {
                    counters.subscribedFirst.increment();
                    ws.awaitReplies(id);
                    if (random.nextInt(3) == 0) {
                        ws.text("{\"op\":\"unsubscribe\",\"id\":" + (++id) + ",\"channel\":\"" + channels.iterator().next() + "\"}");
                    }
                    sleepNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(1500)));
                }
            }
            if (reset) {
                counters.resets.increment();
                ws.reset();
            } else {
                counters.closes.increment();
                ws.closeFrame(how >= 60);
            }
        } catch (IOException | RuntimeException e) {
            counters.failed.increment();
        }
    }

    /** A WebSocket client on a plain socket: masked text frames out, any frames in. */
    private static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private RawClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** The upgraded connection, or null when the gateway refused the upgrade (429, 503). */
        static RawClient open(URI gateway) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(gateway.getHost(), gateway.getPort()), 5000);
                socket.setSoTimeout(SOCKET_TIMEOUT_MS);
                RawClient client = new RawClient(socket);
                client.out.write(("GET /ws HTTP/1.1\r\nHost: " + gateway.getHost() + ":" + gateway.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                client.out.flush();
                StringBuilder head = new StringBuilder();
                while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    int b = client.in.read();
                    if (b < 0) {
                        throw new IOException("closed during the upgrade");
                    }
                    head.append((char) b);
                }
                if (!head.toString().startsWith("HTTP/1.1 101")) {
                    socket.close();
                    return null;
                }
                return client;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        void text(String text) throws IOException {
            frame(0x81, text.getBytes(StandardCharsets.UTF_8));
        }

        private void frame(int opcode, byte[] payload) throws IOException {
            byte[] mask = { 0x5a, 0x13, 0x7c, 0x21 };
            int header = payload.length < 126 ? 6 : 8;
            byte[] frame = new byte[header + payload.length];
            frame[0] = (byte) opcode;
            if (payload.length < 126) {
                frame[1] = (byte) (0x80 | payload.length);
            } else {
                frame[1] = (byte) (0x80 | 126);
                frame[2] = (byte) (payload.length >> 8);
                frame[3] = (byte) payload.length;
            }
            System.arraycopy(mask, 0, frame, header - 4, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[header + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            out.write(frame);
            out.flush();
        }

        /** Reads one server frame; returns its opcode, and its text in {@code text}. */
        private int read(StringBuilder text) throws IOException {
            int b0 = readByte();
            int b1 = readByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new IOException("connection closed mid-frame");
            }
            text.setLength(0);
            text.append(new String(payload, StandardCharsets.UTF_8));
            return b0 & 0x0f;
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            return b;
        }

        /** Reads until the replies to commands 1..{@code last} arrived (subscribed or error). */
        void awaitReplies(int last) throws IOException {
            Set<Integer> seen = new HashSet<>();
            StringBuilder text = new StringBuilder();
            while (seen.size() < last) {
                int opcode = read(text);
                if (opcode == 0x8) {
                    throw new IOException("closed by the gateway: " + text);
                }
                Matcher m = REPLY.matcher(text);
                if (opcode == 0x1 && m.find()) {
                    seen.add(Integer.parseInt(m.group(2)));
                }
            }
        }

        /** Sends a close frame; then waits for the gateway's close frame, or goes at once. */
        void closeFrame(boolean handshake) throws IOException {
            frame(0x88, new byte[] { 0x03, (byte) 0xe8 });
            if (handshake) {
                StringBuilder text = new StringBuilder();
                socket.setSoTimeout(2000);
                while (read(text) != 0x8) {
                    // frames still in flight (join, leave) before the gateway's close
                }
            }
            socket.close();
        }

        /** Drops the connection with a TCP reset. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What is left of the churned channels: presence entries and Redis subscribers of each
     * channel, and each gateway's {@code /api/stats} if it still counts clients, subscriptions or
     * channels. Empty when nothing leaked.
     */
    public static List<String> leaks(String redisUrl, List<String> channels, List<URI> gateways) throws IOException {
        List<String> leaks = new ArrayList<>();
        URI redis = URI.create(redisUrl);
        try (Resp resp = new Resp(redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379, redis.getUserInfo())) {
            for (String channel : channels) {
                long members = resp.integer("ZCARD", "hg:{" + channel + "}:presence");
                if (members > 0) {
                    leaks.add(channel + ": " + members + " presence entries");
                }
                List<Object> numsub = resp.array("PUBSUB", "NUMSUB", "hg:{" + channel + "}");
                long subscribers = (Long) numsub.get(1);
                if (subscribers > 0) {
                    leaks.add(channel + ": " + subscribers + " Redis subscribers");
                }
            }
        }
        for (URI gateway : gateways) {
            JsonNode stats = stats(gateway);
            for (String counter : List.of("connectedClients", "subscriptions", "channels")) {
                if (stats.path(counter).asLong(-1) != 0) {
                    leaks.add(gateway + " /api/stats " + counter + "=" + stats.path(counter));
                }
            }
        }
        return leaks;
    }

    /** Polls {@link #leaks} until it is empty or {@code within} passed; returns the last answer. */
    public static List<String> awaitNoLeaks(String redisUrl, List<String> channels, List<URI> gateways, Duration within)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> leaks = leaks(redisUrl, channels, gateways);
        while (!leaks.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            leaks = leaks(redisUrl, channels, gateways);
        }
        return leaks;
    }

    public static JsonNode stats(URI gateway) throws IOException {
        try {
            return MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(gateway.resolve("/api/stats")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * The process's live heap in bytes: {@code jcmd GC.run} twice (a full collection, then one more
     * for what the first only finalised), then the used heap of {@code jcmd GC.heap_info}.
     */
    public static long liveHeapAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IOException("no 'used' figure in jcmd GC.heap_info of " + pid);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    /** Just enough RESP2 for a few read-only commands. */
    private static final class Resp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        /** {@code userInfo} as in a Redis URL ({@code :password} or {@code user:password}), or null for no AUTH. */
        Resp(String host, int port, String userInfo) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(10_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                String password = colon < 0 ? userInfo : userInfo.substring(colon + 1);
                String user = colon <= 0 ? null : userInfo.substring(0, colon);
                send(user == null ? new String[] {"AUTH", password} : new String[] {"AUTH", user, password});
            }
        }

        long integer(String... command) throws IOException {
            return (Long) send(command);
        }

        @SuppressWarnings("unchecked")
        List<Object> array(String... command) throws IOException {
            return (List<Object>) send(command);
        }

        private Object send(String... command) throws IOException {
            StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
            for (String part : command) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
            }
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return reply();
        }

        private Object reply() throws IOException {
            int type = in.read();
            String line = line();
            switch (type) {
                case ':':
                    return Long.parseLong(line);
                case '+':
                    return line;
                case '-':
                    throw new IOException("Redis: " + line);
                case '$': {
                    int length = Integer.parseInt(line);
                    if (length < 0) {
                        return null;
                    }
                    byte[] bytes = in.readNBytes(length + 2);
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                case '*': {
                    int n = Integer.parseInt(line);
                    List<Object> items = new ArrayList<>(Math.max(0, n));
                    for (int i = 0; i < n; i++) {
                        items.add(reply());
                    }
                    return items;
                }
                default:
                    throw new IOException("unexpected Redis reply type " + type);
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\r') {
                if (b < 0) {
                    throw new IOException("Redis closed the connection");
                }
                line.append((char) b);
            }
            in.read();
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Channels with a random run id: {@code rooms} in {@code chat} (presence) and {@code others} in {@code recipes}. */
    public static List<String> channels(String runId, int rooms, int others) {
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            channels.add("chat.churn-" + runId + "-" + i);
        }
        for (int i = 0; i < others; i++) {
            channels.add("recipes.churn-" + runId + "-" + i);
        }
        return channels;
    }

    /** Live heap of each process, by name, after a full GC. */
    public static Map<String, Long> liveHeaps(Map<String, Long> pids) throws IOException, InterruptedException {
        Map<String, Long> heaps = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            heaps.put(e.getKey(), liveHeapAfterFullGc(e.getValue()));
        }
        return heaps;
    }
}
