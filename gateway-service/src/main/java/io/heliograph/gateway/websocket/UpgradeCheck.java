package io.heliograph.gateway.websocket;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.gateway.auth.ClientAddress;
import io.heliograph.gateway.auth.TokenVerifier;
import io.heliograph.gateway.config.GatewayConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Handshake-time checks of {@code /ws}: draining (503), Origin allow-list (403, against
 * cross-site WebSocket hijacking), connections per client IP (429) and the optional
 * {@code access_token} (401).
 */
@ApplicationScoped
public class UpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<String> SUBJECT = UserData.TypedKey.forString("heliograph.subject");
    static final UserData.TypedKey<String> EXPIRES = UserData.TypedKey.forString("heliograph.expires");
    static final UserData.TypedKey<String> ADDRESS = UserData.TypedKey.forString("heliograph.address");

    private final GatewayConfig config;
    private final TokenVerifier tokens;
    private final Sessions sessions;

    public UpgradeCheck(GatewayConfig config, TokenVerifier tokens, Sessions sessions) {
        this.config = config;
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        if (sessions.draining()) {
            return CheckResult.rejectUpgrade(503, Map.of("Retry-After", List.of("1")));
        }
        if (!originAllowed(request)) {
            return CheckResult.rejectUpgrade(403);
        }
        String address = ClientAddress.of(request, config.trustedProxies());
        if (sessions.connectionsFrom(address) >= config.maxConnectionsPerIp()) {
            return CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of("5")));
        }
        context.userData().put(ADDRESS, address);
        String token = request.getParam("access_token");
        if (token != null) {
            try {
                TokenVerifier.Identity identity = tokens.verify(token);
                context.userData().put(SUBJECT, identity.subject());
                if (identity.expiresAt() != null) {
                    context.userData().put(EXPIRES, identity.expiresAt().toString());
                }
            } catch (TokenVerifier.InvalidTokenException e) {
                return CheckResult.rejectUpgrade(401);
            }
        }
        return CheckResult.permitUpgrade();
    }

    /** No Origin (a non-browser client) is allowed; a browser's must be ours, localhost, or listed. */
    boolean originAllowed(HttpServerRequest request) {
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
