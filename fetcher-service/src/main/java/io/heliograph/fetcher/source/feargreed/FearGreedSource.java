package io.heliograph.fetcher.source.feargreed;

import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.source.Json;
import io.heliograph.fetcher.source.MalformedResponseException;
import io.heliograph.fetcher.summary.DashboardSummary;
import io.heliograph.fetcher.summary.SummarySource;
import io.smallrye.mutiny.Uni;

/** The latest Fear &amp; Greed value and its classification. */
@ApplicationScoped
public class FearGreedSource implements SummarySource {

    private final FearGreedApi api;
    private final FetcherIdentity identity;

    public FearGreedSource(@RestClient FearGreedApi api, FetcherIdentity identity) {
        this.api = api;
        this.identity = identity;
    }

    @Override
    public String name() {
        return DashboardSummary.FEAR_GREED;
    }

    @Override
    public Uni<UnaryOperator<DashboardSummary>> fetch() {
        return api.latest(1, identity.userAgent()).map(body -> {
            double value = Json.number(body, "/data/0/value");
            if (value < 0 || value > 100) {
                throw new MalformedResponseException("fear & greed value " + value + " outside 0..100");
            }
            String classification = Json.text(body, "/data/0/value_classification");
            DashboardSummary.FearGreed fearGreed = new DashboardSummary.FearGreed((int) Math.round(value), classification);
            return s -> s.withFearGreed(fearGreed);
        });
    }

    @Override
    public boolean hasValue(DashboardSummary summary) {
        return summary.fearGreed() != null;
    }
}
