package io.heliograph.core.channel;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.heliograph.core.publish.PublishException;

/** The configured namespace policies. Immutable, so safe to share between threads. */
public final class Namespaces {

    private final Map<String, NamespacePolicy> policies;

    public Namespaces(Map<String, NamespacePolicy> policies) {
        this.policies = Map.copyOf(policies);
    }

    public Optional<NamespacePolicy> find(String namespace) {
        return Optional.ofNullable(policies.get(namespace));
    }

    /** The policy of the channel's namespace; an unconfigured namespace is {@code forbidden}. */
    public NamespacePolicy policyOf(ChannelName channel) {
        NamespacePolicy policy = policies.get(channel.namespace());
        if (policy == null) {
            throw new PublishException(PublishException.Reason.FORBIDDEN,
                    "namespace '" + channel.namespace() + "' is not configured");
        }
        return policy;
    }

    public Map<String, NamespacePolicy> all() {
        return new TreeMap<>(policies);
    }
}
