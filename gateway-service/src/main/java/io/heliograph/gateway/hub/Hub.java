package io.heliograph.gateway.hub;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.gateway.protocol.FramePosition;
import io.heliograph.gateway.pubsub.Broker;
import io.smallrye.mutiny.Uni;

/**
 * This node's registry of channel subscribers (Centrifuge's hub). It reference-counts Redis
 * subscriptions: the broker subscribes when the first local client wants a channel and
 * unsubscribes after the last one leaves.
 *
 * <p>Fan-out reads an immutable array of subscribers, so it takes no lock and never parses the
 * frame beyond its position header. Thread-safe.
 */
@ApplicationScoped
public class Hub implements Broker.Listener {

    private final Broker broker;
    private final Map<String, Subscribers> channels = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();

    /** The subscribers of one channel; {@code ready} completes when Redis confirmed the subscription. */
    private static final class Subscribers {
        volatile Client[] clients = new Client[0];
        Uni<Void> ready;
    }

    public Hub(Broker broker) {
        this.broker = broker;
    }

    @PostConstruct
    void register() {
        broker.listener(this);
    }

    /** Adds a subscriber; the returned Uni completes once frames of the channel flow to this node. */
    public synchronized Uni<Void> add(String channel, Client client) {
        Subscribers s = channels.computeIfAbsent(channel, c -> new Subscribers());
        Client[] current = s.clients;
        for (Client c : current) {
            if (c == client) {
                return s.ready;
            }
        }
        Client[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = client;
        s.clients = next;
        if (s.ready == null) {
            s.ready = broker.subscribe(channel).memoize().indefinitely();
            // Sent now, not when a caller gets to it: a remove on another thread must find its
            // UNSUBSCRIBE queued after this SUBSCRIBE, or Redis would keep a subscription nobody holds.
            s.ready.subscribe().with(x -> { }, x -> { });
        }
        return s.ready;
    }

    /** Removes a subscriber; the last one out unsubscribes the node. */
    public synchronized void remove(String channel, Client client) {
        Subscribers s = channels.get(channel);
        if (s == null) {
            return;
        }
        Client[] next = Arrays.stream(s.clients).filter(c -> c != client).toArray(Client[]::new);
        if (next.length == 0) {
            channels.remove(channel);
            broker.unsubscribe(channel);
        } else {
            s.clients = next;
        }
    }

    @Override
    public void onFrame(String channel, String frame) {
        Subscribers s = channels.get(channel);
        if (s == null) {
            return;
        }
        FramePosition position = FramePosition.of(frame);
        Client[] clients = s.clients;
        for (Client client : clients) {
            client.deliver(channel, position, frame);
        }
        deliveries.addAndGet(clients.length);
    }

    @Override
    public void onResubscribed() {
        channels.forEach((channel, s) -> {
            for (Client client : s.clients) {
                client.recover(channel);
            }
        });
    }

    /** Channels with at least one local subscriber. */
    public int channelCount() {
        return channels.size();
    }

    /** Subscriptions over all local clients. */
    public int subscriptionCount() {
        return channels.values().stream().mapToInt(s -> s.clients.length).sum();
    }

    /** Frames written to clients since start (the monotonic counter behind deliveries/s). */
    public long deliveries() {
        return deliveries.get();
    }

    public boolean brokerConnected() {
        return broker.connected();
    }
}
