package io.heliograph.gateway.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.heliograph.gateway.protocol.FramePosition;
import io.heliograph.gateway.pubsub.Broker;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.smallrye.mutiny.Uni;

/**
 * This node's registry of channel subscribers (Centrifuge's hub). It reference-counts Redis
 * subscriptions: the broker subscribes when the first local client wants a channel and
 * unsubscribes after the last one leaves.
 *
 * <p>Fan-out: per published frame, the WebSocket frame is encoded once ({@link Frame}); the
 * subscribers on the broker's own event loop are written at once, and every other event loop gets
 * the frames of one Redis read burst as ONE task that writes them to all of that loop's
 * subscribers. Subscribers are kept per event loop in immutable arrays, so fan-out takes no lock
 * and never parses the frame beyond its position header. Thread-safe.
 */
@ApplicationScoped
public class Hub implements Broker.Listener {

    private static final Logger LOG = Logger.getLogger(Hub.class);
    private static final Client[] NONE = new Client[0];

    private final Broker broker;
    private final EventLoops loops;
    private final Map<String, Subscribers> channels = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final Burst[] bursts;

    /** One channel's subscribers, swapped as a whole; {@code ready} completes when Redis confirmed the subscription. */
    private static final class Subscribers {
        final String channel;
        volatile View view;
        Uni<Void> ready;

        Subscribers(String channel, int loops) {
            this.channel = channel;
            Client[][] perLoop = new Client[loops][];
            Arrays.fill(perLoop, NONE);
            this.view = new View(NONE, perLoop, NONE);
        }
    }

    /**
     * Immutable: every subscriber in join order, those whose transport writes on event loop i, and
     * those written from the broker's thread (transports without a loop).
     */
    private record View(Client[] all, Client[][] perLoop, Client[] anywhere) {

        View with(Client client, int loop) {
            Client[][] loopsNext = perLoop;
            Client[] anywhereNext = anywhere;
            if (loop >= 0) {
                loopsNext = perLoop.clone();
                loopsNext[loop] = append(perLoop[loop], client);
            } else {
                anywhereNext = append(anywhere, client);
            }
            return new View(append(all, client), loopsNext, anywhereNext);
        }

        View without(Client client) {
            Client[][] loopsNext = perLoop.clone();
            for (int i = 0; i < loopsNext.length; i++) {
                loopsNext[i] = remove(loopsNext[i], client);
            }
            return new View(remove(all, client), loopsNext, remove(anywhere, client));
        }

        boolean onLoops() {
            return anywhere.length < all.length;
        }

        private static Client[] append(Client[] clients, Client client) {
            Client[] next = Arrays.copyOf(clients, clients.length + 1);
            next[clients.length] = client;
            return next;
        }

        private static Client[] remove(Client[] clients, Client client) {
            for (int i = 0; i < clients.length; i++) {
                if (clients[i] == client) {
                    if (clients.length == 1) {
                        return NONE;
                    }
                    Client[] next = new Client[clients.length - 1];
                    System.arraycopy(clients, 0, next, 0, i);
                    System.arraycopy(clients, i + 1, next, i, clients.length - i - 1);
                    return next;
                }
            }
            return clients;
        }
    }

    /**
     * The frames one Redis read burst on loop {@code source} has for each other loop. Loop-confined:
     * filled while the broker's reads are handled, handed over by one task queued behind them.
     */
    private final class Burst implements Runnable {
        private final int source;
        private final ArrayList<Object>[] outbox;
        private boolean scheduled;

        @SuppressWarnings("unchecked")
        Burst(int source) {
            this.source = source;
            this.outbox = new ArrayList[loops.size()];
        }

        void add(int target, Subscribers subscribers, Frame frame) {
            ArrayList<Object> box = outbox[target];
            if (box == null) {
                box = outbox[target] = new ArrayList<>();
            }
            box.add(subscribers);
            box.add(frame);
            if (!scheduled) {
                scheduled = true;
                loops.loop(source).execute(this);
            }
        }

        @Override
        public void run() {
            scheduled = false;
            for (int target = 0; target < outbox.length; target++) {
                ArrayList<Object> box = outbox[target];
                if (box != null) {
                    outbox[target] = null;
                    loops.loop(target).execute(new Delivery(target, box));
                }
            }
        }
    }

    /** A burst's frames for one loop: written to that loop's subscribers, on that loop. */
    private final class Delivery implements Runnable {
        private final int loop;
        private final ArrayList<Object> frames;

        Delivery(int loop, ArrayList<Object> frames) {
            this.loop = loop;
            this.frames = frames;
        }

        @Override
        public void run() {
            for (int i = 0, n = frames.size(); i < n; i += 2) {
                Subscribers s = (Subscribers) frames.get(i);
                Frame frame = (Frame) frames.get(i + 1);
                try {
                    deliverAll(s.channel, s.view.perLoop()[loop], frame);
                } finally {
                    release(frame);
                }
            }
        }
    }

    public Hub(Broker broker, EventLoops loops) {
        this.broker = broker;
        this.loops = loops;
        this.bursts = new Burst[loops.size()];
        for (int i = 0; i < bursts.length; i++) {
            bursts[i] = new Burst(i);
        }
    }

    @PostConstruct
    void register() {
        broker.listener(this);
    }

    /** Adds a subscriber; the returned Uni completes once frames of the channel flow to this node. */
    public synchronized Uni<Void> add(String channel, Client client) {
        Subscribers s = channels.computeIfAbsent(channel, c -> new Subscribers(c, loops.size()));
        View view = s.view;
        for (Client c : view.all()) {
            if (c == client) {
                return s.ready;
            }
        }
        EventExecutor loop = client.loop();
        s.view = view.with(client, loop == null ? -1 : loops.indexOf(loop));
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
        View next = s.view.without(client);
        if (next.all().length == 0) {
            channels.remove(channel);
            broker.unsubscribe(channel);
        }
        s.view = next;
    }

    @Override
    public void onFrame(String channel, String text, ByteBuf bytes) {
        Subscribers s = channels.get(channel);
        if (s == null) {
            return;
        }
        View view = s.view;
        ByteBuf wire = view.onLoops() ? Frame.webSocketText(bytes) : null;
        Frame frame = new Frame(text, FramePosition.of(text), wire);
        int here = loops.current();
        try {
            Client[][] perLoop = view.perLoop();
            for (int i = 0; i < perLoop.length; i++) {
                if (perLoop[i].length == 0) {
                    continue;
                }
                if (i == here) {
                    deliverAll(channel, perLoop[i], frame);
                    continue;
                }
                if (wire != null) {
                    wire.retain();
                }
                if (here < 0) {
                    ArrayList<Object> one = new ArrayList<>(2);
                    one.add(s);
                    one.add(frame);
                    loops.loop(i).execute(new Delivery(i, one));
                } else {
                    bursts[here].add(i, s, frame);
                }
            }
            deliverAll(channel, view.anywhere(), frame);
        } finally {
            release(frame);
        }
        deliveries.addAndGet(view.all().length);
    }

    private static void deliverAll(String channel, Client[] clients, Frame frame) {
        for (Client client : clients) {
            try {
                client.deliver(channel, frame);
            } catch (RuntimeException e) {
                LOG.debugf(e, "delivery to %s failed", client.session());
            }
        }
    }

    private static void release(Frame frame) {
        if (frame.wire() != null) {
            frame.wire().release();
        }
    }

    @Override
    public void onResubscribed() {
        channels.forEach((channel, s) -> {
            for (Client client : s.view.all()) {
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
        return channels.values().stream().mapToInt(s -> s.view.all().length).sum();
    }

    /** Frames written to clients since start (the monotonic counter behind deliveries/s). */
    public long deliveries() {
        return deliveries.get();
    }

    public boolean brokerConnected() {
        return broker.connected();
    }
}
