package io.heliograph.relay.auth;

import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.heliograph.relay.rest.EventResource;
import io.vertx.ext.web.RoutingContext;

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
    public void authenticate(ResourceInfo resource, RoutingContext routing) {
        if (resource.getResourceClass() != EventResource.class) {
            return;
        }
        // On the routing context, not the JAX-RS request context: reading that one in the resource would start a
        // CDI request scope for every publish.
        routing.put(KEY, failures.authenticate(routing.request(),
                () -> keys.authenticate(routing.request().getHeader(HttpHeaders.AUTHORIZATION))));
    }

    /** The key this filter authenticated the request with. */
    public static PublisherKey key(RoutingContext routing) {
        PublisherKey key = routing.get(KEY);
        if (key == null) {
            throw new IllegalStateException("PublishAuthentication did not run for " + routing.normalizedPath());
        }
        return key;
    }
}
