package io.heliograph.bench;

import io.heliograph.core.envelope.CloudEvent;
import io.smallrye.mutiny.Uni;

/**
 * Where the bench's events go in: the real Heliograph publish script for the gateway
 * ({@link Publishing}), or a plain {@code PUBLISH} of the same frame bytes for the floor
 * ({@link FloorPublishing}).
 */
interface PublishPath extends AutoCloseable {

    /** Publishes one event; the item is emitted once Redis took it. */
    Uni<?> publish(String channel, CloudEvent event);

    /** The last offset of the channel that Redis took: what every subscriber must have seen at the end. */
    long lastOffset(String channel);

    /** The event loop the Redis replies arrive on (part of the client's load). */
    java.util.List<io.netty.util.concurrent.EventExecutor> eventLoops();

    @Override
    void close();
}
