package io.heliograph.fetcher.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.heliograph.fetcher.price.PriceBook;
import io.heliograph.fetcher.price.PriceUpdate;
import io.smallrye.mutiny.Uni;

/** The latest price of every symbol, from Redis (so any replica answers the same). */
@Path("/api/prices")
@Produces(MediaType.APPLICATION_JSON)
public class PricesResource {

    /** {@code {"prices":[<price-update data>...]}} in the configured symbol order. */
    public record Prices(List<PriceUpdate> prices) {
    }

    private final PriceBook book;

    public PricesResource(PriceBook book) {
        this.book = book;
    }

    @GET
    public Uni<Prices> all() {
        return book.all().map(Prices::new);
    }
}
