package io.heliograph.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.heliograph.core.net.ClientAddress.TrustedProxy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every limit and timeout of the gateway (PROTOCOL.md sections 4 and 6), with its default. */
@ConfigMapping(prefix = "heliograph.gateway")
public interface GatewayConfig {

    /** Interval of WebSocket ping frames; a connection that misses two pongs is closed. */
    @WithDefault("25s")
    Duration heartbeat();

    /** Largest accepted WebSocket message, in bytes (larger: close 1009). */
    @WithDefault("65536")
    int maxFrameBytes();

    /** Channels one connection may be subscribed to at once. */
    @WithDefault("100")
    int maxSubscriptions();

    /** Commands a connection may send per second, sustained. */
    @WithDefault("20")
    int commandRate();

    /** Commands a connection may send in a burst. */
    @WithDefault("40")
    int commandBurst();

    /** Rejected commands (rate limited or invalid) in a row after which the connection is closed (4008 / 1008). */
    @WithDefault("20")
    int abuseThreshold();

    /** Bytes queued for one connection before it counts as a slow consumer and is closed with 4009. */
    @WithDefault("1048576")
    long outboundBufferBytes();

    /**
     * Bytes queued for all connections of this node together before the connections holding the
     * most are closed with 4009; unset means {@code outbound-node-fraction} of the JVM's direct memory.
     */
    OptionalLong outboundNodeBytes();

    /** Share of the JVM's maximum direct memory that the node-wide outbound bound is when {@code outbound-node-bytes} is unset. */
    @WithDefault("0.25")
    double outboundNodeFraction();

    /**
     * How long a connection closed as a slow consumer keeps its socket for the close frame to get
     * through; then the socket is closed and what it still had queued is released.
     */
    @WithDefault("2s")
    Duration slowConsumerCloseGrace();

    /** Kernel send buffer (SO_SNDBUF) of every connection: small, so a client that stops reading shows up as queued bytes here; -1 is the OS default. */
    @WithDefault("65536")
    int sendBufferBytes();

    /** An event loop that has not run a task for this long makes the node not-live (the orchestrator restarts it). */
    @WithDefault("10s")
    Duration eventLoopStallLimit();

    /** Connections accepted from one client IP address: WebSockets, open SSE streams and waiting long-polls together. */
    @WithDefault("1000")
    int maxConnectionsPerIp();

    /**
     * Proxies (addresses or CIDR ranges, e.g. {@code 10.0.0.0/8}) whose X-Forwarded-For header is trusted to
     * name the client address; none by default, so no client can pick the address it is counted as.
     */
    Optional<List<TrustedProxy>> trustedProxies();

    /**
     * Host names under which the gateway's own origin is trusted, besides loopback and the hosts of
     * {@code allowed-origins} (another name in both Origin and Host is a DNS-rebinding page).
     */
    Optional<List<String>> allowedHosts();

    /** Origins allowed to open a WebSocket, besides the gateway's own origin; {@code *} allows any. */
    @WithDefault("http://localhost,https://localhost,http://127.0.0.1,https://127.0.0.1")
    List<String> allowedOrigins();

    /** Client publishing in namespaces that allow it: messages per second per connection. */
    @WithDefault("1")
    int clientPublishRate();

    /** Longest chat text, in characters. */
    @WithDefault("500")
    int chatTextMax();

    /** Longest chat name, in characters. */
    @WithDefault("50")
    int chatNameMax();

    /** How long a presence entry lives without a refresh (clients of a crashed gateway vanish after it). */
    @WithDefault("60s")
    Duration presenceTtl();

    /** How often the gateway refreshes the presence entries of its own clients. */
    @WithDefault("20s")
    Duration presenceRefresh();

    /** Default number of frames a {@code history} command returns. */
    @WithDefault("50")
    int historyDefaultLimit();

    /** On SIGTERM, clients are closed with 1012 spread over this window. */
    @WithDefault("5s")
    Duration drainWindow();

    /** How often this gateway publishes its stats on {@code system.gateways}. */
    @WithDefault("1s")
    Duration statsInterval();

    /** Longest wait a long-poll request may ask for. */
    @WithDefault("30s")
    Duration longPollMaxWait();

    /** Events in one long-poll answer when the request gives no {@code limit}. */
    @WithDefault("100")
    int longPollDefaultLimit();

    /** Largest {@code limit} a long-poll request may ask for (larger: 400). */
    @WithDefault("1000")
    int longPollMaxLimit();

    /** HTTP fallback requests (SSE opens and long-polls) one client address may make per second, sustained. */
    @WithDefault("10")
    int fallbackRequestRate();

    /** HTTP fallback requests one client address may make in a burst. */
    @WithDefault("20")
    int fallbackRequestBurst();

    /** First delay before reconnecting the Redis subscriber connection; doubles up to the cap. */
    @WithDefault("200ms")
    Duration redisReconnectBase();

    /** Longest delay between Redis subscriber reconnect attempts. */
    @WithDefault("5s")
    Duration redisReconnectCap();

    /** How long a subscribe waits for Redis (and for the subscriber connection, while it is down) before failing with {@code unavailable}. */
    @WithDefault("5s")
    Duration redisSubscribeTimeout();
}
