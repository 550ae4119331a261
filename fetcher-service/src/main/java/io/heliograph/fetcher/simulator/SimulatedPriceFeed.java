package io.heliograph.fetcher.simulator;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.price.PriceBook;
import io.heliograph.fetcher.price.PriceFeed;
import io.heliograph.fetcher.price.PriceUpdate;
import io.vertx.core.Vertx;

/**
 * Ticks every configured symbol once per {@code simulator.tick-every}. In {@code auto} mode it stands
 * in only until a live price arrives: then it goes quiet, so simulated and real prices never mix
 * on one channel.
 */
@ApplicationScoped
public class SimulatedPriceFeed implements PriceFeed {

    private final Vertx vertx;
    private final MarketSimulator simulator;
    private final PriceBook book;
    private final Duration every;
    private long timer = -1;
    private long generation;
    private volatile boolean running;

    public SimulatedPriceFeed(Vertx vertx, MarketSimulator simulator, PriceBook book, FetcherConfig config) {
        this.vertx = vertx;
        this.simulator = simulator;
        this.book = book;
        this.every = config.simulator().tickEvery();
    }

    @Override
    public void start() {
        long gen;
        synchronized (this) {
            if (running) {
                return;
            }
            running = true;
            gen = ++generation;
        }
        // Continue the previous publisher's walk when there is one; without Redis, start fresh.
        book.load().onFailure().recoverWithItem(java.util.Map.of()).subscribe().with(previous -> {
            previous.values().stream().filter(PriceUpdate::simulated)
                    .forEach(p -> simulator.resume(p.symbol(), p.price()));
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                timer = vertx.setPeriodic(1, every.toMillis(), id -> tick());
            }
        });
    }

    private void tick() {
        if (book.hasLivePrices()) {
            return;
        }
        Instant now = Instant.now();
        for (MarketSimulator.Tick t : simulator.step(every)) {
            book.record(t.symbol(), t.price(), t.open(), now, PriceUpdate.FEED_SIMULATOR, true);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        generation++;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        timer = -1;
    }

    @Override
    public String state() {
        return !running ? "stopped" : book.hasLivePrices() ? "standing by (live prices arrive)" : "ticking";
    }
}
