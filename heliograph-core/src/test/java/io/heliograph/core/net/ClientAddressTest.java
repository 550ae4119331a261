package io.heliograph.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.heliograph.core.net.ClientAddress.TrustedProxy;

/** Which X-Forwarded-For hops are believed: only those after a proxy in a configured range. */
class ClientAddressTest {

    static List<TrustedProxy> proxies(String... specs) {
        return java.util.Arrays.stream(specs).map(TrustedProxy::of).toList();
    }

    @Test
    void rangesMatchTheirAddressesOnly() {
        List<TrustedProxy> ingress = proxies("10.0.0.0/8", "172.28.0.10", "fd00::/8");
        assertThat(TrustedProxy.any(ingress, "10.42.7.3")).isTrue();
        assertThat(TrustedProxy.any(ingress, "11.0.0.1")).isFalse();
        assertThat(TrustedProxy.any(ingress, "172.28.0.10")).isTrue();
        assertThat(TrustedProxy.any(ingress, "172.28.0.11")).isFalse();
        assertThat(TrustedProxy.any(ingress, "fd12::1")).isTrue();
        assertThat(TrustedProxy.any(ingress, "::1")).isFalse();
        // A header value that is not an address is never resolved, and never a proxy.
        assertThat(TrustedProxy.any(ingress, "localhost")).isFalse();
        assertThat(TrustedProxy.any(List.of(), "127.0.0.1")).isFalse();
    }

    @Test
    void aBadRangeIsAStartupErrorThatSaysWhatIsExpected() {
        assertThatThrownBy(() -> TrustedProxy.of("ingress.local")).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> TrustedProxy.of("10.0.0.0/33")).hasMessageContaining("0..32");
        assertThatThrownBy(() -> TrustedProxy.of("10.0.0.0/x")).hasMessageContaining("prefix");
    }
}
