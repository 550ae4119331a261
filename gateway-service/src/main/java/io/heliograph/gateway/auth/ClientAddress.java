package io.heliograph.gateway.auth;

import java.util.List;

import io.vertx.core.http.HttpServerRequest;

/** The client's IP address; X-Forwarded-For is believed only when the peer is a trusted proxy. */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(HttpServerRequest request, List<String> trustedProxies) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null || !trustedProxies.contains(peer)) {
            return peer;
        }
        // The right-most address that is not one of our proxies is the one a proxy saw.
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }
}
