package io.heliograph.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The answer to a batch: one item per event, in the order they were sent. */
public record BatchResult(List<Item> results) {

    /**
     * Either a published event ({@code id}, {@code channel}, {@code epoch}, {@code offset}) or a
     * refused one ({@code status}, {@code title}, {@code detail} of a problem object).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String id, String channel, String epoch, Long offset, Integer status, String title,
            String detail) {

        @JsonIgnore
        public boolean isPublished() {
            return status == null && offset != null;
        }
    }
}
