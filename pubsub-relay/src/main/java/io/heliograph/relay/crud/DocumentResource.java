package io.heliograph.relay.crud;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.heliograph.relay.rest.HttpProblem;
import io.smallrye.mutiny.Uni;

/**
 * What every example CRUD backend shares: documents of one type in a {@link DocumentStore}, read by
 * the two GET endpoints here. A subclass declares the write endpoints itself, because each carries
 * its own {@code @PublishEvent} and validated input, and implements them with {@link #insert},
 * {@link #replace} and {@link #remove}. Thread-safe and non-blocking, like the store.
 *
 * @param <D> the stored document
 * @param <I> what a client sends to create or replace one
 */
public abstract class DocumentResource<D extends DocumentStore.Document, I> {

    /** Makes the document a create stores under a fresh id. */
    @FunctionalInterface
    public interface Creator<D, I> {
        D create(long id, I input, String now);
    }

    /** Makes the document a replace stores over the current one. */
    @FunctionalInterface
    public interface Updater<D, I> {
        D update(D current, I input, String now);
    }

    private final DocumentStore<D> store;
    private final String path;
    private final String noun;
    private final Creator<D, I> creator;
    private final Updater<D, I> updater;

    /**
     * @param path the endpoint's path, for the {@code Location} of a created document
     * @param noun what a document is called in a 404's detail ("no <noun> with id 7")
     */
    protected DocumentResource(DocumentStore<D> store, String path, String noun, Creator<D, I> creator,
            Updater<D, I> updater) {
        this.store = store;
        this.path = path;
        this.noun = noun;
        this.creator = creator;
        this.updater = updater;
    }

    @GET
    public Uni<List<D>> list() {
        return store.list();
    }

    @GET
    @Path("{id}")
    public Uni<D> get(@RestPath long id) {
        return store.get(id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    /** Stores a new document: 201 with its {@code Location}. */
    protected Uni<RestResponse<D>> insert(I input) {
        String now = Instant.now().toString();
        return store.create(id -> creator.create(id, input, now))
                .map(document -> RestResponse.ResponseBuilder.<D>created(URI.create(path + "/" + document.id()))
                        .entity(document).build());
    }

    /** Replaces document {@code id}; 404 when there is none. */
    protected Uni<D> replace(long id, I input) {
        String now = Instant.now().toString();
        return store.update(id, current -> updater.update(current, input, now))
                .map(updated -> updated.orElseThrow(() -> notFound(id)));
    }

    /** Deletes document {@code id} and answers it, so the delete event carries it; 404 when there is none. */
    protected Uni<D> remove(long id) {
        return store.delete(id).map(deleted -> deleted.orElseThrow(() -> notFound(id)));
    }

    private HttpProblem notFound(long id) {
        return HttpProblem.notFound("no " + noun + " with id " + id);
    }
}
