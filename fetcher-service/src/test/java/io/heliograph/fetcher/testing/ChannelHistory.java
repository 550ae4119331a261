package io.heliograph.fetcher.testing;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.heliograph.core.channel.ChannelName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;

/** Reads what subscribers of a channel get: the frames in its history stream, oldest first. */
public final class ChannelHistory {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChannelHistory() {
    }

    public static List<JsonNode> frames(RedisDataSource redis, String channel) {
        return redis.stream(String.class).xrange(ChannelName.of(channel).historyKey(), StreamRange.of("-", "+"))
                .stream().map(m -> parse(m.payload().get("frame"))).toList();
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
