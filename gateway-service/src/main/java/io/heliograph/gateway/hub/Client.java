package io.heliograph.gateway.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.gateway.protocol.CloseCodes;
import io.heliograph.gateway.protocol.ErrorCode;
import io.heliograph.gateway.protocol.FramePosition;
import io.heliograph.gateway.protocol.ProtocolException;
import io.heliograph.gateway.protocol.Replies;
import io.heliograph.gateway.recovery.ChannelHistory;
import io.smallrye.mutiny.Uni;

/**
 * One connected client and its channel positions (Centrifuge's client).
 *
 * <p>Guarantee, per channel: the frames written to the transport have strictly increasing
 * offsets within an epoch, with no duplicate and no gap while the client stays subscribed. Live
 * frames that arrive while history is being read are buffered and merged by offset; a gap found
 * on the live stream (for example after a Redis reconnect) is filled from history, and when the
 * history no longer reaches, the client is told to {@code resubscribe}.
 *
 * <p>Thread-safety: all state is guarded by the instance lock; nothing under it blocks. The hub
 * and the {@link Membership} are called under it (lock order: client, then hub), and neither calls
 * back into a client while holding a lock of its own.
 */
public final class Client {

    private static final Logger LOG = Logger.getLogger(Client.class);

    /**
     * What a subscription registers beside the hub (presence). {@link #joined} runs under the
     * client's lock at the moment a subscription goes live, and {@link #left} after every way one
     * ends (unsubscribe, failure, {@code resubscribe}, close): so a join never lands after the
     * client's cleanup, and a leave always follows its join.
     */
    public interface Membership {

        /** Registers nothing: transports without presence (SSE, long-poll). */
        Membership NONE = new Membership() {
            @Override
            public Uni<Void> joined(ChannelName channel, NamespacePolicy policy, Client client) {
                return Uni.createFrom().voidItem();
            }

            @Override
            public void left(String channel, Client client) {
            }
        };

        /** Must not block; the Uni completes once the registration is written. */
        Uni<Void> joined(ChannelName channel, NamespacePolicy policy, Client client);

        /** Must not block; a channel that was never joined is a no-op. */
        void left(String channel, Client client);
    }

    /** Where the client wants to resume a channel from. */
    public record Since(String epoch, long offset) {
    }

    /** The client's position in one channel; {@code buffer} is non-null while history is being read. */
    private static final class ChannelState {
        final NamespacePolicy policy;
        String epoch;
        long offset;
        List<String> buffer = new ArrayList<>();

        ChannelState(NamespacePolicy policy) {
            this.policy = policy;
        }
    }

    private final String session;
    private final Transport transport;
    private final Hub hub;
    private final ChannelHistory history;
    private final Membership membership;
    private final Map<String, ChannelState> channels = new HashMap<>();
    private volatile String user;
    /** Set by {@link #unsubscribeAll}: the connection is gone and nothing may register for it any more. */
    private volatile boolean gone;

    public Client(String session, String user, Transport transport, Hub hub, ChannelHistory history) {
        this(session, user, transport, hub, history, Membership.NONE);
    }

    public Client(String session, String user, Transport transport, Hub hub, ChannelHistory history, Membership membership) {
        this.session = session;
        this.user = user;
        this.transport = transport;
        this.hub = hub;
        this.history = history;
        this.membership = membership;
    }

    /** A new session id, as sent in {@code welcome} and shown in presence. */
    public static String newSessionId() {
        return "s-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public String session() {
        return session;
    }

    public String user() {
        return user;
    }

    public void user(String user) {
        this.user = user;
    }

    public void send(String frame) {
        transport.write(frame);
    }

    /** False once the connection closed or its cleanup ran. */
    public boolean isOpen() {
        return !gone && transport.isOpen();
    }

    /**
     * Subscribes: joins the hub first (live frames are buffered), then reads the position and
     * whatever history is needed, replies {@code subscribed} (via {@code reply}), writes the
     * recovered frames and then the buffered live ones, merged by offset, and joins the
     * {@link Membership} under the same lock. A subscription the client left (or closed) while it
     * was in flight replies nothing and registers nothing.
     *
     * @param reply builds the reply from (epoch, offset, recovered, snapshot)
     * @return the position the client starts from
     */
    public Uni<ChannelHistory.Position> subscribe(ChannelName channel, NamespacePolicy policy, Since since,
            int maxSubscriptions, SubscribedReply reply) {
        String name = channel.value();
        ChannelState state = new ChannelState(policy);
        Uni<Void> added;
        // Registered under the lock that unsubscribeAll takes: a close on another thread (slow
        // consumer, heartbeat) either comes first and refuses this, or comes after and undoes it.
        synchronized (this) {
            if (gone) {
                return Uni.createFrom().failure(new IllegalStateException("the connection is closed"));
            }
            if (!channels.containsKey(name) && channels.size() >= maxSubscriptions) {
                return Uni.createFrom().failure(new ProtocolException(ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                        "a connection may hold at most " + maxSubscriptions + " subscriptions"));
            }
            channels.put(name, state);
            added = hub.add(name, this);
        }
        return added
                .chain(() -> since == null ? history.current(channel, policy.snapshot())
                        : history.since(channel, since.epoch(), since.offset(), policy.snapshot()))
                .onFailure().invoke(t -> abandon(name, state))
                .chain(position -> {
                    Uni<Void> joined;
                    synchronized (this) {
                        if (channels.get(name) != state) {
                            return Uni.createFrom().item(position); // left, closed or resubscribed meanwhile
                        }
                        state.epoch = position.epoch();
                        if (position.recovered()) {
                            state.offset = since.offset();
                            sendReply(reply.build(position.epoch(), position.offset(), true, null));
                            position.frames().forEach(frame -> accept(name, state, FramePosition.of(frame), frame));
                        } else {
                            state.offset = position.offset();
                            String snapshot = position.frames().isEmpty() ? null : position.frames().get(0);
                            sendReply(reply.build(position.epoch(), position.offset(), false, snapshot));
                        }
                        drain(name, state);
                        joined = membership.joined(channel, policy, this);
                    }
                    return joined.replaceWith(position);
                });
    }

    /** Undoes a subscription whose start failed, unless another one replaced it meanwhile. */
    private void abandon(String name, ChannelState state) {
        synchronized (this) {
            if (channels.remove(name, state)) {
                hub.remove(name, this);
                membership.left(name, this);
            }
        }
    }

    private void sendReply(String frame) {
        if (frame != null) {
            send(frame);
        }
    }

    /** Builds the {@code subscribed} reply; null sends none (transports without replies). */
    @FunctionalInterface
    public interface SubscribedReply {
        String build(String epoch, long offset, boolean recovered, String snapshot);
    }

    /** Leaves a channel; false when the client was not subscribed. */
    public boolean unsubscribe(String channel) {
        synchronized (this) {
            if (channels.remove(channel) == null) {
                return false;
            }
            hub.remove(channel, this);
            membership.left(channel, this);
        }
        return true;
    }

    /**
     * Leaves every channel for good (on close): a subscription still in flight registers nothing
     * when it completes, and a later {@link #subscribe} fails. Idempotent.
     */
    public Set<String> unsubscribeAll() {
        Set<String> left;
        synchronized (this) {
            gone = true;
            left = Set.copyOf(channels.keySet());
            channels.clear();
            left.forEach(c -> {
                hub.remove(c, this);
                membership.left(c, this);
            });
        }
        return left;
    }

    /**
     * A frame from the fan-out: on the transport's event loop when it has one, otherwise on the
     * broker's thread. Must not block. The fast path (subscribed, no history read running, the next
     * offset) hands the shared frame straight to the transport.
     */
    void deliver(String channel, Frame frame) {
        synchronized (this) {
            ChannelState state = channels.get(channel);
            if (state == null) {
                return;
            }
            FramePosition position = frame.position();
            if (!position.isEvent()) {
                transport.write(frame); // presence join / leave: no position to keep
                return;
            }
            if (state.buffer != null) {
                state.buffer.add(frame.text());
                return;
            }
            accept(channel, state, position, frame.text(), frame);
        }
    }

    /** The event loop the transport writes on, or null (see {@link Transport#loop()}). */
    io.netty.util.concurrent.EventExecutor loop() {
        return transport.loop();
    }

    /**
     * Writes an event frame if it is the next one; starts a recovery on a gap. Caller holds the lock.
     * A channel never published has epoch "" at offset 0, so its first event (a new epoch at offset 1)
     * is the next one, and a recovery from {"", 0} reads the new epoch from offset 1.
     */
    private void accept(String channel, ChannelState state, FramePosition position, String frame) {
        accept(channel, state, position, frame, null);
    }

    /**
     * Writes an event frame if it is the next one; starts a recovery on a gap. {@code live} is the
     * fanned-out frame when there is one (written shared), null for frames read from history.
     * Caller holds the lock.
     */
    private void accept(String channel, ChannelState state, FramePosition position, String frame, Frame live) {
        boolean sameEpoch = position.epoch().equals(state.epoch);
        if (sameEpoch && position.offset() <= state.offset) {
            return; // already written
        }
        if ((sameEpoch && position.offset() == state.offset + 1) || (!sameEpoch && position.offset() == 1)) {
            state.epoch = position.epoch();
            state.offset = position.offset();
            if (live != null) {
                transport.write(live);
            } else {
                send(frame);
            }
            return;
        }
        state.buffer = new ArrayList<>();
        state.buffer.add(frame);
        startRecovery(channel, state);
    }

    /** Closes a possible gap after the broker reconnected. */
    void recover(String channel) {
        synchronized (this) {
            ChannelState state = channels.get(channel);
            if (state == null || state.buffer != null) {
                return; // not subscribed, or a read from history is already running
            }
            state.buffer = new ArrayList<>();
            startRecovery(channel, state);
        }
    }

    private void startRecovery(String channel, ChannelState state) {
        history.since(ChannelName.of(channel), state.epoch, state.offset, false).subscribe().with(position -> {
            synchronized (this) {
                if (channels.get(channel) != state) {
                    return;
                }
                if (!position.recovered()) {
                    tellToResubscribe(channel);
                    return;
                }
                position.frames().forEach(frame -> accept(channel, state, FramePosition.of(frame), frame));
                List<String> buffered = state.buffer;
                state.buffer = null;
                for (String frame : buffered) {
                    FramePosition p = FramePosition.of(frame);
                    boolean next = p.epoch().equals(state.epoch) ? p.offset() <= state.offset + 1 : p.offset() == 1;
                    if (!next) {
                        // Still a hole after reading history: the history cannot close it.
                        tellToResubscribe(channel);
                        return;
                    }
                    accept(channel, state, p, frame);
                }
            }
        }, failure -> {
            LOG.debugf("recovery of %s for %s failed: %s", channel, session, failure.getMessage());
            synchronized (this) {
                if (channels.get(channel) == state) {
                    tellToResubscribe(channel);
                }
            }
        });
    }

    /** Caller holds the lock. */
    private void tellToResubscribe(String channel) {
        channels.remove(channel);
        hub.remove(channel, this);
        membership.left(channel, this);
        send(Replies.resubscribe(channel));
    }

    /** Writes the frames buffered during a history read, merged by offset. Caller holds the lock. */
    private void drain(String channel, ChannelState state) {
        List<String> buffered = state.buffer;
        state.buffer = null;
        for (String frame : buffered) {
            FramePosition p = FramePosition.of(frame);
            if (state.buffer != null) {
                state.buffer.add(frame); // a gap started a recovery: keep the rest for it
            } else {
                accept(channel, state, p, frame);
            }
        }
    }

    public void close(CloseCodes code) {
        transport.close(code);
    }
}
