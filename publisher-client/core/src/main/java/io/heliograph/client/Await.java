package io.heliograph.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** The blocking forms of the async calls: the result, or the RelayException the future failed with. */
final class Await {

    private Await() {
    }

    static <T> T result(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw RelayException.of(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new RelayException(RelayException.UNREACHABLE, "Interrupted",
                    "interrupted while waiting for the relay; the event may have been published", null, e);
        }
    }
}
