package io.heliograph.gateway.auth;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.gateway.config.GatewayConfig;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Origin allow-list of every transport (WebSocket upgrade, SSE, long-poll): a page of another
 * site may not open a connection in its visitor's browser (cross-site WebSocket hijacking and its
 * SSE / long-poll equivalents). The gateway's "own origin" is trusted only under a host name it
 * knows (loopback, the hosts of the allowed origins, {@code allowed-hosts}): a DNS-rebinding page,
 * whose Origin and Host both name the attacker's domain, is refused. Thread-safe.
 */
@ApplicationScoped
public class OriginPolicy {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final GatewayConfig config;
    private final Set<String> knownHosts;

    public OriginPolicy(GatewayConfig config) {
        this.config = config;
        Set<String> hosts = new HashSet<>(LOOPBACK);
        config.allowedHosts().ifPresent(list -> list.forEach(h -> hosts.add(h.trim().toLowerCase(Locale.ROOT))));
        for (String origin : config.allowedOrigins()) {
            try {
                String host = URI.create(origin.trim()).getHost();
                if (host != null) {
                    hosts.add(host.toLowerCase(Locale.ROOT));
                }
            } catch (IllegalArgumentException e) {
                // "*" or a malformed entry names no host
            }
        }
        this.knownHosts = Set.copyOf(hosts);
    }

    /** No Origin (a non-browser client) is allowed; a browser's must be ours, localhost, or listed. */
    public boolean allowed(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        List<String> allowed = config.allowedOrigins();
        if (allowed.contains("*") || allowed.contains(origin)) {
            return true;
        }
        try {
            URI uri = URI.create(origin);
            String host = request.authority() == null ? request.getHeader("Host") : request.authority().toString();
            if (host != null && host.equalsIgnoreCase(uri.getRawAuthority()) && uri.getHost() != null
                    && knownHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
                return true; // the gateway's own origin, under a name it answers to
            }
            // Any port of an allowed scheme://host (localhost during development).
            String withoutPort = uri.getScheme() + "://" + uri.getHost();
            return allowed.contains(withoutPort);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
