package io.heliograph.core.channel;

/**
 * What a namespace allows (PROTOCOL.md section 1). Built from configuration, never from code.
 *
 * @param name          the namespace
 * @param history       how many frames the history stream keeps (0: none, the offset still advances)
 * @param snapshot      whether a subscriber gets the latest frame with {@code subscribed}
 * @param presence      whether the gateway tracks who is subscribed
 * @param clientPublish whether browsers may publish through the gateway
 * @param ownerOnly     whether only the connection whose JWT {@code sub} equals the local part may subscribe
 */
public record NamespacePolicy(String name, int history, boolean snapshot, boolean presence,
        boolean clientPublish, boolean ownerOnly) {

    public NamespacePolicy {
        if (history < 0) {
            throw new IllegalArgumentException("history of namespace " + name + " must be >= 0");
        }
    }
}
