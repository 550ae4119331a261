package io.heliograph.gateway.support;

import java.util.UUID;

/** Unique channel names, so parallel test runs against the shared Redis never meet. */
public final class Channels {

    private Channels() {
    }

    public static String unique(String namespace) {
        return namespace + ".t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
