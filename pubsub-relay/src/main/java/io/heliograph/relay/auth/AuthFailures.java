package io.heliograph.relay.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import jakarta.inject.Singleton;
import jakarta.ws.rs.NotAuthorizedException;

import io.heliograph.core.net.ClientAddress;
import io.heliograph.core.net.ClientAddress.TrustedProxy;
import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.rest.HttpProblem;
import io.vertx.core.http.HttpServerRequest;

/**
 * Failed authentications per client address, in fixed one-minute windows: an address that used up
 * {@code auth-failures-per-minute} is refused (429) until its window ends, whatever key it sends,
 * so keys cannot be guessed at speed. The address is the peer's, or behind one of
 * {@code heliograph.relay.trusted-proxies} the client's from {@code X-Forwarded-For} ({@link ClientAddress}, as the
 * gateway counts it). Memory is bounded: windows that ended are dropped once the map grows. Thread-safe.
 */
@Singleton
public class AuthFailures {

    static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();
    /** Addresses tracked before ended windows are swept. */
    private static final int SWEEP_AT = 10_000;

    private final int limit;
    private final Optional<List<TrustedProxy>> trustedProxies;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    public AuthFailures(RelayConfig config) {
        this.limit = config.authFailuresPerMinute();
        this.trustedProxies = config.trustedProxies();
    }

    /**
     * Runs {@code authentication} for the request's client address: refused at once (429) while the address has no
     * failures left, and a 401 it throws counts as a failure of that address.
     *
     * @throws HttpProblem 429 while the address is throttled; whatever {@code authentication} throws
     */
    public <T> T authenticate(HttpServerRequest request, Supplier<T> authentication) {
        String address = ClientAddress.of(request, trustedProxies);
        checkAllowed(address);
        try {
            return authentication.get();
        } catch (HttpProblem | NotAuthorizedException refused) {
            if (!(refused instanceof HttpProblem p) || p.status() == 401) {
                failed(address);
            }
            throw refused;
        }
    }

    /** @throws HttpProblem 429 while {@code address} has no failures left in its window */
    void checkAllowed(String address) {
        Window window = windows.get(address);
        if (window != null) {
            long wait = window.blockedFor(System.nanoTime(), limit);
            if (wait > 0) {
                throw new HttpProblem(429, "rate_limited", "too many failed authentications from this address; "
                        + "check the publisher key", Duration.ofSeconds(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L)));
            }
        }
    }

    void failed(String address) {
        long now = System.nanoTime();
        if (windows.size() >= SWEEP_AT) {
            windows.values().removeIf(w -> w.ended(now));
        }
        windows.computeIfAbsent(address, a -> new Window(now)).add(now);
    }

    private static final class Window {
        private long start;
        private int failures;

        Window(long start) {
            this.start = start;
        }

        synchronized void add(long now) {
            if (now - start >= WINDOW_NANOS) {
                start = now;
                failures = 0;
            }
            failures++;
        }

        synchronized long blockedFor(long now, int limit) {
            if (now - start >= WINDOW_NANOS || failures < limit) {
                return 0;
            }
            return WINDOW_NANOS - (now - start);
        }

        synchronized boolean ended(long now) {
            return now - start >= WINDOW_NANOS;
        }
    }
}
