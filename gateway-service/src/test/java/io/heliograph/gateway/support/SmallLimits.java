package io.heliograph.gateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Connection-level limits with small values so tests reach them quickly (LimitsTest, ConnectionCapTest share one start). */
public class SmallLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("heliograph.gateway.max-connections-per-ip", "5",
                "heliograph.gateway.heartbeat", "1s",
                "heliograph.gateway.outbound-buffer-bytes", "262144",
                "heliograph.gateway.max-subscriptions", "3",
                // LimitsTest's client on 127.0.0.1 stands for a proxy: its X-Forwarded-For is believed.
                "heliograph.gateway.trusted-proxies", "127.0.0.0/8,::1",
                // ConnectionCapTest opens many SSE streams and long-polls at once: the cap, not the rate, must refuse them.
                "heliograph.gateway.fallback-request-rate", "1000");
    }
}
