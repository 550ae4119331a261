package io.heliograph.relay.crud;

import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.heliograph.core.auth.BearerSecret;
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

    public CrudWriteKey(RelayConfig config) {
        this.key = config.crudKey().filter(k -> !k.isBlank()).map(BearerSecret::of);
    }

    @ServerRequestFilter
    public void check(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceClass() == null || !DocumentResource.class.isAssignableFrom(resource.getResourceClass())
                || READS.contains(request.getMethod())) {
            return;
        }
        BearerSecret expected = key.orElseThrow(() -> new HttpProblem(403, "forbidden", "the example CRUD backend is "
                + "read-only here: set HELIOGRAPH_RELAY_CRUD_KEY (heliograph.relay.crud-key) to enable its writes", null));
        String presented = BearerSecret.presented(request.getHeaderString(HttpHeaders.AUTHORIZATION)).orElseThrow(
                () -> HttpProblem.unauthorized("send the CRUD key as 'Authorization: Bearer <key>'"));
        if (!expected.matches(presented)) {
            throw HttpProblem.unauthorized("unknown CRUD key");
        }
    }
}
