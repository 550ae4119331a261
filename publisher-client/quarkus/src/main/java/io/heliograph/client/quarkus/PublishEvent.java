package io.heliograph.client.quarkus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Publishes the response of a JAX-RS resource method as an event, through pubsub-relay, after the
 * method succeeded (a 2xx status). Put it on a write endpoint:
 *
 * <pre>
 * &#64;POST
 * &#64;PublishEvent(channel = "recipes", type = "recipe:created", subject = "recipes/{id}")
 * public Uni&lt;Response&gt; create(&#64;Valid RecipeInput input) { ... }
 * </pre>
 *
 * <p>The event's {@code data} is the response entity, encoded by Jackson. A response without an
 * entity (for example a 204 after a delete) publishes the request's path parameters instead, so
 * {@code DELETE /api/recipes/42} on {@code @Path("{id}")} publishes {@code {"id":"42"}}.
 *
 * <p>Guarantees: nothing is published for a non-2xx response. The HTTP response is sent once the
 * relay has acknowledged the event (or the publish finally failed), so a client that sees the
 * response can count on the event being in the channel. A failed publish is logged and counted
 * ({@code heliograph.publisher.failures}) but never turns the successful write into an error: the
 * write has already happened, and reporting it as failed would invite the client to repeat it.
 */
@NameBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface PublishEvent {

    /** Value used only by {@link PublishEventFilter} to bind itself to every annotated method. */
    String ANY = "*";

    /** The channel to publish on, for example {@code recipes}. */
    String channel();

    /** The event type, for example {@code recipe:created}. */
    String type();

    /**
     * The CloudEvents {@code subject}; {@code {name}} placeholders are replaced by the top-level field
     * {@code name} of the published data (for example {@code "recipes/{id}"}). Empty: no subject.
     */
    String subject() default "";
}
