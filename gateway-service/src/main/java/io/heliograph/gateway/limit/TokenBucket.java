package io.heliograph.gateway.limit;

/** A token bucket: {@code rate} tokens per second, at most {@code burst} saved. Thread-safe. */
public final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(double ratePerSecond, double burst) {
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.burst = burst;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** Takes one token; false when the bucket is empty. */
    public synchronized boolean tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether the bucket refilled completely, that is, it is as if never used. */
    public synchronized boolean isFull() {
        return tokens + (System.nanoTime() - last) * ratePerNano >= burst;
    }
}
