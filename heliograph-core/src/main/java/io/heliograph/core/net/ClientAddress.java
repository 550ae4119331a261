package io.heliograph.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;

/**
 * The address a connection counts against: the peer, or, when the peer is one of our proxies
 * (CIDR ranges, none by default), the right-most {@code X-Forwarded-For} hop that is not.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(HttpServerRequest request, Optional<List<TrustedProxy>> trustedProxies) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        List<TrustedProxy> proxies = trustedProxies.orElse(List.of());
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null || !TrustedProxy.any(proxies, peer)) {
            return peer;
        }
        // The right-most address that is not one of our proxies is the one a proxy saw.
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !TrustedProxy.any(proxies, hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** One trusted proxy range, {@code 10.0.0.0/8} or a single address (Netty's subnet rule does the matching). */
    public record TrustedProxy(String spec, IpSubnetFilterRule rule) {

        /** Parses {@code address[/prefix]}; a bare address is the one address. Also the config converter. */
        public static TrustedProxy of(String spec) {
            String value = spec.trim();
            int slash = value.indexOf('/');
            String address = slash < 0 ? value : value.substring(0, slash);
            if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
                throw new IllegalArgumentException("trusted proxy '" + spec + "' is not an IP address or CIDR range "
                        + "(e.g. 10.0.0.0/8, 172.28.0.10, fd00::/8)");
            }
            int max = NetUtil.isValidIpV4Address(address) ? 32 : 128;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("trusted proxy '" + spec + "' has a bad prefix length", e);
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("trusted proxy '" + spec + "': the prefix must be 0.." + max);
            }
            return new TrustedProxy(value, new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
        }

        /** Whether the literal address is in one of the ranges; anything that is not an IP literal is not. */
        static boolean any(List<TrustedProxy> proxies, String literal) {
            if (proxies.isEmpty()) {
                return false;
            }
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
            if (bytes == null) {
                return false; // never resolve a name taken from a header
            }
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(InetAddress.getByAddress(bytes), 0);
            } catch (UnknownHostException e) {
                return false;
            }
            for (TrustedProxy proxy : proxies) {
                if (proxy.rule().matches(address)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return spec;
        }
    }
}
