package io.heliograph.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.channel.Namespaces;
import io.heliograph.gateway.protocol.ErrorCode;
import io.heliograph.gateway.protocol.ProtocolException;

/** Who may read a channel, for every transport: the namespace must exist, and owner-only channels need their owner. */
@ApplicationScoped
public class ChannelAccess {

    private final Namespaces namespaces;

    public ChannelAccess(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    /** Parses a channel name; {@code invalid_channel} when it breaks the grammar. */
    public ChannelName channel(String name) {
        if (name == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "missing channel");
        }
        if (!ChannelName.isValid(name)) {
            throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "invalid channel name: expected ^[a-z0-9][a-z0-9._:-]{0,127}$");
        }
        return ChannelName.of(name);
    }

    /** The namespace policy, after checking that {@code user} (null: anonymous) may read the channel. */
    public NamespacePolicy readable(ChannelName channel, String user) {
        NamespacePolicy policy = namespaces.find(channel.namespace()).orElseThrow(() -> new ProtocolException(
                ErrorCode.FORBIDDEN, "namespace '" + channel.namespace() + "' is not configured"));
        if (policy.ownerOnly()) {
            if (user == null) {
                throw new ProtocolException(ErrorCode.UNAUTHORIZED, "channel " + channel + " needs a token");
            }
            if (!channel.local().equals(user)) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "channel " + channel + " belongs to another user");
            }
        }
        return policy;
    }
}
