package io.heliograph.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** The bench sends only to this machine: every target must resolve to a loopback address. */
final class Loopback {

    private Loopback() {
    }

    static void require(String what, String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException(what + " " + host + " is not a loopback address: the bench only sends to 127.0.0.1");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + " host " + host + " does not resolve", e);
        }
    }

    static URI requireUri(String what, String uri) {
        URI parsed = URI.create(uri);
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException(what + " '" + uri + "' has no host");
        }
        require(what, parsed.getHost());
        return parsed;
    }
}
