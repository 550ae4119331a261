package io.heliograph.relay.auth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.heliograph.relay.rest.EventResource;
import io.heliograph.relay.rest.HttpProblem;
import io.vertx.core.http.HttpServerRequest;

/**
 * Authenticates every publish request before its body is read (a stranger's 8 MB body is never
 * parsed) and throttles the addresses that keep failing ({@link AuthFailures}). The key found is
 * left on the request for {@link #key}.
 */
public class PublishAuthentication {

    private static final String KEY = PublisherKey.class.getName();

    private final PublisherKeys keys;
    private final AuthFailures failures;

    public PublishAuthentication(PublisherKeys keys, AuthFailures failures) {
        this.keys = keys;
        this.failures = failures;
    }

    @ServerRequestFilter
    public void authenticate(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        if (resource.getResourceClass() != EventResource.class) {
            return;
        }
        String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        failures.checkAllowed(address);
        try {
            request.setProperty(KEY, keys.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION)));
        } catch (HttpProblem unauthorized) {
            failures.failed(address);
            throw unauthorized;
        }
    }

    /** The key this filter authenticated the request with. */
    public static PublisherKey key(ContainerRequestContext request) {
        PublisherKey key = (PublisherKey) request.getProperty(KEY);
        if (key == null) {
            throw new IllegalStateException("PublishAuthentication did not run for " + request.getUriInfo().getPath());
        }
        return key;
    }
}
