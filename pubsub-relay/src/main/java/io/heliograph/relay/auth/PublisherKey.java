package io.heliograph.relay.auth;

import java.util.Set;

/**
 * A publisher key as the relay keeps it: its name, the SHA-256 of its secret (the secret itself is
 * not kept) and what it may do.
 *
 * @param name       used in logs, metrics and idempotency keys; never the secret
 * @param secretHash SHA-256 of the secret
 * @param namespaces the namespaces it may publish to
 * @param rateLimit  events per second
 */
public record PublisherKey(String name, byte[] secretHash, Set<String> namespaces, int rateLimit) {

    public boolean allows(String namespace) {
        return namespaces.contains(namespace);
    }

    @Override
    public String toString() {
        return "PublisherKey[" + name + "]";
    }
}
