package io.heliograph.gateway.hub;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * The node's Vert.x event loops, numbered, and the end-of-turn work each of them does: every socket
 * written during a turn of a loop is flushed once, by one task queued behind that turn's reads and
 * tasks, so frames that arrive together leave in one {@code writev}.
 *
 * <p>Thread-safety: the loop list is immutable; a loop's {@link Turn} is touched only by that loop.
 */
@ApplicationScoped
public class EventLoops {

    /** Something with bytes written but not yet flushed. */
    public interface Flushable {
        /** Called once at the end of the loop turn in which it was {@linkplain Turn#flushLater queued}. */
        void flushNow();
    }

    /** One loop's end-of-turn flush list. Loop-confined. */
    public static final class Turn implements Runnable {
        private final EventExecutor loop;
        private ArrayList<Flushable> dirty = new ArrayList<>();
        private ArrayList<Flushable> spare = new ArrayList<>();
        private boolean scheduled;

        Turn(EventExecutor loop) {
            this.loop = loop;
        }

        public EventExecutor loop() {
            return loop;
        }

        /** Queues a flush at the end of this turn. Caller is on this loop and queues each flushable once per turn. */
        public void flushLater(Flushable flushable) {
            dirty.add(flushable);
            if (!scheduled) {
                scheduled = true;
                loop.execute(this);
            }
        }

        @Override
        public void run() {
            scheduled = false;
            // A flush can make a channel writable and so start another write: it goes to the other list.
            ArrayList<Flushable> now = dirty;
            dirty = spare;
            for (int i = 0, n = now.size(); i < n; i++) {
                now.get(i).flushNow();
            }
            now.clear();
            spare = now;
        }
    }

    private final EventExecutor[] loops;
    private final Turn[] turns;

    public EventLoops(Vertx vertx) {
        List<EventExecutor> found = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(found::add);
        if (found.isEmpty()) {
            throw new IllegalStateException("Vert.x has no event loops");
        }
        loops = found.toArray(EventExecutor[]::new);
        turns = new Turn[loops.length];
        for (int i = 0; i < loops.length; i++) {
            turns[i] = new Turn(loops[i]);
        }
    }

    public int size() {
        return loops.length;
    }

    public EventExecutor loop(int index) {
        return loops[index];
    }

    /** The index of the loop the caller runs on, or -1 on any other thread. */
    public int current() {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return i;
            }
        }
        return -1;
    }

    /** The index of {@code loop}, or -1 when it is not one of the node's event loops. */
    public int indexOf(EventExecutor loop) {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i] == loop) {
                return i;
            }
        }
        return -1;
    }

    public Turn turn(int index) {
        return turns[index];
    }
}
