package io.heliograph.relay.crud;

import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.heliograph.core.auth.BearerKey;
import io.heliograph.relay.auth.AuthFailures;
import io.heliograph.relay.config.RelayConfig;
import io.vertx.core.http.HttpServerRequest;

/**
 * The example CRUD backend is a backend like any other: its writes (POST, PUT, DELETE on a
 * {@link DocumentResource}) need the CRUD key, checked before the body is read. Reads stay open, as
 * the dashboards list recipes. Thread-safe.
 */
public class CrudWriteKey {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final BearerKey key;
    private final AuthFailures failures;

    public CrudWriteKey(RelayConfig config, AuthFailures failures) {
        this.key = BearerKey.required(config.crudKey(), "CRUD key", "the example CRUD backend is read-only here: set "
                + "HELIOGRAPH_RELAY_CRUD_KEY (heliograph.relay.crud-key) to enable its writes");
        this.failures = failures;
    }

    @ServerRequestFilter
    public void check(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        if (resource.getResourceClass() == null || !DocumentResource.class.isAssignableFrom(resource.getResourceClass())
                || READS.contains(request.getMethod())) {
            return;
        }
        failures.authenticate(http, () -> {
            key.check(request.getHeaderString(HttpHeaders.AUTHORIZATION));
            return key;
        });
    }
}
