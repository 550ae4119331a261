package io.heliograph.client.quarkus;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.jboss.resteasy.reactive.RestResponse;

/** A backend written the way the README tells backend developers to write one. */
@Path("/widgets")
public class WidgetResource {

    public record Widget(long id, String name) {
    }

    @POST
    @PublishEvent(channel = "widgets", type = "widget:created", subject = "widgets/{id}")
    public RestResponse<Widget> create(@QueryParam("name") String name) {
        if (name == null || name.isBlank()) {
            throw new BadRequestException("name is required");
        }
        return RestResponse.status(RestResponse.Status.CREATED, new Widget(7, name));
    }

    @DELETE
    @Path("{id}")
    @PublishEvent(channel = "widgets", type = "widget:deleted")
    public void delete(@PathParam("id") String id) {
        // 204: the event carries the path parameters
    }

    @POST
    @Path("/unannotated")
    public Widget unannotated() {
        return new Widget(1, "quiet");
    }
}
