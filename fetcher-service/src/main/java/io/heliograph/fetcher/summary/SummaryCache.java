package io.heliograph.fetcher.summary;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.fetcher.config.FetcherConfig;
import io.heliograph.fetcher.config.FetcherIdentity;
import io.heliograph.fetcher.rest.UnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/** The summary cached at {@code crypto:dashboard-summary} with a TTL, shared by every replica. */
@ApplicationScoped
public class SummaryCache {

    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper mapper;
    private final String key;
    private final FetcherConfig config;

    public SummaryCache(ReactiveRedisDataSource redis, ObjectMapper mapper, FetcherIdentity identity, FetcherConfig config) {
        this.values = redis.value(String.class);
        this.mapper = mapper;
        this.key = identity.summaryKey();
        this.config = config;
    }

    /** The cached summary; empty when there is none or it cannot be read (it is then rebuilt). */
    public Uni<Optional<DashboardSummary>> read() {
        return values.get(key)
                .onFailure().transform(e -> new UnavailableException("Redis is unreachable", e))
                .map(json -> {
                    if (json == null) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(mapper.readValue(json, DashboardSummary.class));
                    } catch (JsonProcessingException e) {
                        return Optional.empty();
                    }
                });
    }

    public Uni<Void> write(DashboardSummary summary) {
        String json;
        try {
            json = mapper.writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return values.set(key, json, new SetArgs().px(config.summaryTtl()))
                .onFailure().transform(e -> new UnavailableException("Redis is unreachable", e));
    }
}
