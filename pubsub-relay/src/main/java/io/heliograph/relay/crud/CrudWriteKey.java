package io.heliograph.relay.crud;

import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;

import io.heliograph.core.auth.BearerSecret;
import io.heliograph.relay.auth.AuthFailures;
import io.heliograph.relay.config.RelayConfig;
import io.heliograph.relay.rest.HttpProblem;

/**
 * The example CRUD backend is a backend like any other: its writes (POST, PUT, DELETE on a
 * {@link DocumentResource}) need the CRUD key, checked before the body is read. Reads stay open, as
 * the dashboards list recipes. Thread-safe.
 */
public class CrudWriteKey {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final Optional<BearerSecret> key;
    private final AuthFailures failures;

    public CrudWriteKey(RelayConfig config, AuthFailures failures) {
        this.key = config.crudKey().filter(k -> !k.isBlank()).map(BearerSecret::of);
        this.failures = failures;
    }

    @ServerRequestFilter
    public void check(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        if (resource.getResourceClass() == null || !DocumentResource.class.isAssignableFrom(resource.getResourceClass())
                || READS.contains(request.getMethod())) {
            return;
        }
        BearerSecret expected = key.orElseThrow(() -> new HttpProblem(403, "forbidden", "the example CRUD backend is "
                + "read-only here: set HELIOGRAPH_RELAY_CRUD_KEY (heliograph.relay.crud-key) to enable its writes", null));
        String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        failures.checkAllowed(address);
        String presented = BearerSecret.presented(request.getHeaderString(HttpHeaders.AUTHORIZATION)).orElse(null);
        if (presented == null || !expected.matches(presented)) {
            failures.failed(address);
            throw HttpProblem.unauthorized(presented == null ? "send the CRUD key as 'Authorization: Bearer <key>'"
                    : "unknown CRUD key");
        }
    }
}
