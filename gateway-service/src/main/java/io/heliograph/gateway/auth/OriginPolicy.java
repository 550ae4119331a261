package io.heliograph.gateway.auth;

import java.net.URI;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.gateway.config.GatewayConfig;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Origin allow-list of every transport (WebSocket upgrade, SSE, long-poll): a page of another
 * site may not open a connection in its visitor's browser (cross-site WebSocket hijacking and its
 * SSE / long-poll equivalents). Thread-safe.
 */
@ApplicationScoped
public class OriginPolicy {

    private final GatewayConfig config;

    public OriginPolicy(GatewayConfig config) {
        this.config = config;
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
            if (host != null && host.equalsIgnoreCase(uri.getRawAuthority())) {
                return true; // the gateway's own origin
            }
            // Any port of an allowed scheme://host (localhost during development).
            String withoutPort = uri.getScheme() + "://" + uri.getHost();
            return allowed.contains(withoutPort);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
