package io.heliograph.gateway.websocket;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.core.net.ClientAddress;
import io.heliograph.gateway.auth.OriginPolicy;
import io.heliograph.gateway.auth.TokenVerifier;
import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.limit.ConnectionCap;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Handshake-time checks of {@code /ws}, in this order: draining (503), Origin allow-list (403,
 * against cross-site WebSocket hijacking), the optional {@code access_token} (401), and last the
 * per-IP connection cap (429), so that a permit is only taken by an upgrade nothing refuses after.
 * The permit is given back when the connection closes, also when it dies before it was opened.
 */
@ApplicationScoped
public class UpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<String> SUBJECT = UserData.TypedKey.forString("heliograph.subject");
    static final UserData.TypedKey<String> EXPIRES = UserData.TypedKey.forString("heliograph.expires");
    static final UserData.TypedKey<String> ADDRESS = UserData.TypedKey.forString("heliograph.address");
    static final UserData.TypedKey<ConnectionCap.Permit> PERMIT = new UserData.TypedKey<>("heliograph.permit");

    private final GatewayConfig config;
    private final TokenVerifier tokens;
    private final Sessions sessions;
    private final OriginPolicy origins;
    private final ConnectionCap cap;

    public UpgradeCheck(GatewayConfig config, TokenVerifier tokens, Sessions sessions, OriginPolicy origins, ConnectionCap cap) {
        this.config = config;
        this.tokens = tokens;
        this.sessions = sessions;
        this.origins = origins;
        this.cap = cap;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        if (sessions.draining()) {
            return CheckResult.rejectUpgrade(503, Map.of("Retry-After", List.of("1")));
        }
        if (!origins.allowed(request)) {
            return CheckResult.rejectUpgrade(403);
        }
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
        String address = ClientAddress.of(request, config.trustedProxies());
        ConnectionCap.Permit permit = cap.tryAcquire(address);
        if (permit == null) {
            return CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of(Integer.toString(ConnectionCap.RETRY_AFTER_SECONDS))));
        }
        VertxSockets.onConnectionClosed(request, permit::release);
        context.userData().put(ADDRESS, address);
        context.userData().put(PERMIT, permit);
        return CheckResult.permitUpgrade();
    }
}
