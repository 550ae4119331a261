package io.heliograph.fetcher.summary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherConfig.Mode;
import io.heliograph.fetcher.simulator.MarketSimulator;
import io.heliograph.fetcher.source.SourceErrors;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Produces the {@link DashboardSummary}: fetches the due sources concurrently (each with its own
 * timeout, so one slow or failing source never holds back the others), merges their answers into
 * the last summary, caches it and publishes {@code dashboard-summary} when its content changed.
 *
 * <p>Each source has its own schedule, kept in the cached summary's {@code sources} so that a
 * replica taking over the fleet lock continues it: due again {@code summary-interval} after a
 * success, after a doubling backoff when it fails, and never before a 429's {@code Retry-After}.
 *
 * <p>Thread-safety: at most one cycle runs at a time in a replica; a caller arriving during a cycle
 * gets that cycle's result. Across replicas, the fleet lock keeps the scheduled cycles on one
 * replica, and the refresh limit bounds the forced ones.
 */
@ApplicationScoped
public class SummaryService {

    private static final Logger LOG = Logger.getLogger(SummaryService.class);
    static final String SOURCE = "/fetcher-service";
    static final String TYPE = "dashboard-summary";
    private static final List<String> ALL_SOURCES = List.of(DashboardSummary.COINGECKO_GLOBAL,
            DashboardSummary.COINGECKO_PRICE, DashboardSummary.FEAR_GREED, DashboardSummary.TAAPI);

    private final List<SummarySource> sources;
    private final SummaryCache cache;
    private final EventPublisher publisher;
    private final MarketSimulator simulator;
    private final FetcherConfig config;
    private final MeterRegistry metrics;
    private final AtomicReference<Uni<DashboardSummary>> running = new AtomicReference<>();
    private volatile boolean liveConfirmed;
    private volatile Instant lastProbe;
    private volatile boolean probeFailureLogged;

    public SummaryService(@Any Instance<SummarySource> all, SummaryCache cache, EventPublisher publisher,
            MarketSimulator simulator, FetcherConfig config, MeterRegistry metrics) {
        this.sources = all.stream().filter(SummarySource::configured)
                .sorted(Comparator.comparing(SummarySource::name)).toList();
        this.cache = cache;
        this.publisher = publisher;
        this.simulator = simulator;
        this.config = config;
        this.metrics = metrics;
    }

    /** Whether summaries currently come from the simulator. */
    public boolean simulating() {
        return config.mode() == Mode.SIMULATED || (config.mode() == Mode.AUTO && !liveConfirmed);
    }

    /** The names of the configured live sources. */
    public List<String> sourceNames() {
        return sources.stream().map(SummarySource::name).toList();
    }

    /** The cached summary, produced once if the cache is empty. */
    public Uni<DashboardSummary> current() {
        return cache.read().chain(cached -> cached.isPresent() ? Uni.createFrom().item(cached.get())
                : exclusive(() -> cache.read().chain(again -> again.isPresent() ? Uni.createFrom().item(again.get())
                        : produce(null, true))));
    }

    /** A cycle with every source fetched now, except those a 429 asked to wait. */
    public Uni<DashboardSummary> refresh() {
        return exclusive(() -> cache.read().chain(base -> produce(base.orElse(null), true)));
    }

    /**
     * What the replica holding the fleet lock does on every tick: produce a summary if one is due.
     * In {@code auto} mode, while summaries are simulated, the live sources are also probed every
     * {@code summary-interval} (the first time at once) and the summary turns live when one answers.
     */
    public Uni<Void> runDue() {
        if (running.get() != null) {
            return Uni.createFrom().voidItem();
        }
        return cache.read().chain(cached -> {
            DashboardSummary base = cached.orElse(null);
            Instant now = Instant.now();
            if (config.mode() == Mode.AUTO && !liveConfirmed && base != null && !base.simulated()
                    && base.sources().values().stream().anyMatch(s -> s.lastSuccess() != null)) {
                liveConfirmed = true; // another replica already found the APIs answering
            }
            if (simulating()) {
                boolean due = base == null || !base.simulated() || base.updatedAt() == null
                        || !now.isBefore(base.updatedAt().plus(config.simulator().summaryEvery()));
                Uni<Void> simulated = due ? exclusive(() -> cache.read().chain(b -> simulate(b.orElse(null)))).replaceWithVoid()
                        : Uni.createFrom().voidItem();
                return simulated.invoke(() -> {
                    if (config.mode() == Mode.AUTO && (lastProbe == null
                            || !now.isBefore(lastProbe.plus(config.summaryInterval())))) {
                        lastProbe = now;
                        // Not awaited, and started after the simulated summary: that one never waits for the APIs.
                        exclusiveProbe().subscribe().with(s -> { }, f -> LOG.debugf("live probe failed: %s", f.getMessage()));
                    }
                });
            }
            DashboardSummary start = liveBase(base);
            boolean due = sources.stream().anyMatch(s -> statusOf(start, s).dueAt(now, false));
            // The cache is read again inside the cycle: another cycle may have written it since.
            return due ? exclusive(() -> cache.read().chain(b -> fetchLive(b.orElse(null), false))).replaceWithVoid()
                    : Uni.createFrom().voidItem();
        });
    }

    private Uni<DashboardSummary> produce(DashboardSummary base, boolean forced) {
        if (config.mode() == Mode.AUTO && !liveConfirmed) {
            return probe(base).chain(found -> found.isPresent() ? Uni.createFrom().item(found.get()) : simulate(base));
        }
        return simulating() ? simulate(base) : fetchLive(base, forced);
    }

    private Uni<DashboardSummary> exclusiveProbe() {
        return exclusive(() -> cache.read().chain(base -> probe(base.orElse(null)))
                .map(found -> found.orElse(null)));
    }

    /** Tries every live source once; when one answers, summaries are live from now on. */
    private Uni<Optional<DashboardSummary>> probe(DashboardSummary base) {
        DashboardSummary fresh = DashboardSummary.empty(false);
        return fetchAll(fresh, sources, Instant.now(), false).chain(summary -> {
            boolean answered = summary.sources().values().stream().anyMatch(s -> SourceStatus.OK.equals(s.status()));
            if (!answered) {
                if (!probeFailureLogged) {
                    probeFailureLogged = true;
                    Map<String, String> errors = new TreeMap<>();
                    summary.sources().forEach((name, status) -> errors.put(name, status.lastError()));
                    LOG.infof("auto mode: the live APIs do not answer %s; summaries stay simulated (probed again every %s)",
                            errors, config.summaryInterval());
                }
                return Uni.createFrom().item(Optional.<DashboardSummary>empty());
            }
            liveConfirmed = true;
            LOG.info("auto mode: the live APIs answer; summaries are live from now on");
            return store(base, summary).map(Optional::of);
        });
    }

    private Uni<DashboardSummary> fetchLive(DashboardSummary base, boolean forced) {
        DashboardSummary start = liveBase(base);
        Instant now = Instant.now();
        List<SummarySource> due = sources.stream().filter(s -> statusOf(start, s).dueAt(now, forced)).toList();
        if (due.isEmpty() && base != null) {
            return Uni.createFrom().item(base);
        }
        return fetchAll(start, due, now, true).chain(summary -> store(base, summary));
    }

    private DashboardSummary liveBase(DashboardSummary base) {
        return base == null || base.simulated() ? DashboardSummary.empty(false) : base;
    }

    private static SourceStatus statusOf(DashboardSummary summary, SummarySource source) {
        return summary.sources().getOrDefault(source.name(), SourceStatus.pending());
    }

    private record Outcome(SummarySource source, UnaryOperator<DashboardSummary> values, Throwable failure) {
    }

    /** Calls the given sources concurrently and merges their outcomes into {@code start}. */
    private Uni<DashboardSummary> fetchAll(DashboardSummary start, List<SummarySource> due, Instant now,
            boolean logFailures) {
        if (due.isEmpty()) {
            return Uni.createFrom().item(merge(start, List.of(), now, logFailures));
        }
        List<Uni<Outcome>> calls = new ArrayList<>();
        for (SummarySource source : due) {
            calls.add(Uni.createFrom().deferred(source::fetch)
                    .ifNoItem().after(config.sourceTimeout()).fail()
                    .map(values -> new Outcome(source, values, null))
                    .onFailure().recoverWithItem(e -> new Outcome(source, null, e)));
        }
        return Uni.join().all(calls).andFailFast().map(outcomes -> merge(start, outcomes, now, logFailures));
    }

    private DashboardSummary merge(DashboardSummary start, List<Outcome> outcomes, Instant now, boolean logFailures) {
        Map<String, SourceStatus> statuses = new TreeMap<>();
        for (SummarySource source : sources) {
            statuses.put(source.name(), statusOf(start, source));
        }
        DashboardSummary summary = start;
        for (Outcome o : outcomes) {
            if (o.failure() == null) {
                summary = o.values().apply(summary);
            }
        }
        for (Outcome o : outcomes) {
            String name = o.source().name();
            if (o.failure() == null) {
                statuses.put(name, SourceStatus.succeeded(now, config.summaryInterval()));
                count(name, "ok");
            } else {
                String error = o.source().redact(SourceErrors.describe(o.failure()));
                Duration retryAfter = SourceErrors.retryAfter(o.failure()).orElse(null);
                SourceStatus next = statuses.get(name).failed(now, error, o.source().hasValue(summary), retryAfter,
                        config.summaryInterval(), config.backoffMax());
                statuses.put(name, next);
                count(name, retryAfter != null ? "rate_limited" : "error");
                LOG.logf(logFailures ? Logger.Level.WARN : Logger.Level.DEBUG,
                        "%s failed (%d in a row): %s; next attempt at %s", name, next.failures(), error,
                        next.nextAttemptAt());
            }
        }
        if (sources.stream().noneMatch(s -> s.name().equals(DashboardSummary.TAAPI))) {
            summary = summary.withRsi(null);
        }
        return summary.withSources(statuses).stamped(false, now);
    }

    private void count(String source, String outcome) {
        metrics.counter("heliograph.fetcher.source.requests", "source", source, "outcome", outcome).increment();
    }

    private Uni<DashboardSummary> simulate(DashboardSummary base) {
        Instant now = Instant.now();
        Map<String, SourceStatus> statuses = new TreeMap<>();
        for (String name : ALL_SOURCES) {
            statuses.put(name, SourceStatus.succeeded(now, config.simulator().summaryEvery()));
        }
        return store(base, simulator.summary().withSources(statuses).stamped(true, now));
    }

    /** Publishes when the content changed, then caches; a summary that could not be published is not cached. */
    private Uni<DashboardSummary> store(DashboardSummary previous, DashboardSummary summary) {
        Uni<?> publish = summary.sameContentAs(previous) ? Uni.createFrom().voidItem()
                : publisher.publish(config.channels().summary(), CloudEvent.of(SOURCE, TYPE, null, summary));
        return publish.chain(() -> cache.write(summary)).replaceWith(summary);
    }

    /** Runs {@code work} unless a cycle is already running here, in which case its result is shared. */
    private Uni<DashboardSummary> exclusive(Supplier<Uni<DashboardSummary>> work) {
        while (true) {
            Uni<DashboardSummary> current = running.get();
            if (current != null) {
                return current;
            }
            @SuppressWarnings("unchecked")
            Uni<DashboardSummary>[] self = new Uni[1];
            self[0] = Uni.createFrom().<DashboardSummary>deferred(work::get)
                    .onTermination().invoke(() -> running.compareAndSet(self[0], null))
                    .memoize().indefinitely();
            if (running.compareAndSet(null, self[0])) {
                return self[0];
            }
        }
    }
}
