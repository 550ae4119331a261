package io.heliograph.client.quarkus;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.heliograph.client.PublishResult;

/**
 * An HTTP stand-in for pubsub-relay inside the test application: it records what the library sends
 * and answers what a test scripted. (The real relay, with Redis: pubsub-relay's tests and system-tests.)
 */
@Path("/api/events")
@Singleton
public class FakeRelay {

    /** One request as received. */
    public record Received(JsonNode body, String authorization, long nanoTime) {
    }

    /** A scripted answer: status, Retry-After header (or null). */
    public record Answer(int status, String retryAfter) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();

    public synchronized void reset(Answer... answers) {
        received.clear();
        script.clear();
        script.addAll(List.of(answers));
    }

    public List<Received> received() {
        return received;
    }

    @POST
    public synchronized Response publish(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, JsonNode body) {
        received.add(new Received(body, authorization, System.nanoTime()));
        Answer answer = script.isEmpty() ? new Answer(202, null) : script.poll();
        if (answer.status() == 202) {
            return Response.accepted(new PublishResult(body.path("id").asText(), body.path("channel").asText(),
                    "e1", received.size())).build();
        }
        Response.ResponseBuilder error = Response.status(answer.status()).type("application/problem+json")
                .entity("{\"type\":\"about:blank\",\"title\":\"Scripted\",\"status\":" + answer.status()
                        + ",\"detail\":\"scripted failure\"}");
        if (answer.retryAfter() != null) {
            error.header(HttpHeaders.RETRY_AFTER, answer.retryAfter());
        }
        return error.build();
    }
}
