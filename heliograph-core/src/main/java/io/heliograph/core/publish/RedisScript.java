package io.heliograph.core.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Lua script loaded once from the classpath, run with EVALSHA and, when Redis answers NOSCRIPT
 * (after a restart or SCRIPT FLUSH), with EVAL, which also loads it for the next call.
 */
public record RedisScript(String source, String sha1) {

    /** The publish script of PROTOCOL.md section 3. */
    public static final String PUBLISH = "/heliograph/publish.lua";
    /** The fleet-wide token bucket of {@link io.heliograph.core.limit.FleetRateLimiter}. */
    public static final String RATE_LIMIT = "/heliograph/rate-limit.lua";

    public static RedisScript load(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new RedisScript(source, HexFormat.of().formatHex(digest));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot load " + resource, e);
        }
    }

    /** Runs the script on a pooled connection; never blocks. */
    public Uni<Response> call(Redis redis, List<String> keys, List<String> args) {
        return call(redis::send, keys, args);
    }

    /**
     * Runs the script through {@code sender}, for example {@code connection::send} of one connection that
     * pipelines several calls; the EVAL fallback goes the same way. Never blocks.
     */
    public Uni<Response> call(Function<Request, Uni<Response>> sender, List<String> keys, List<String> args) {
        return sender.apply(request(Command.EVALSHA, sha1, keys, args))
                .onFailure(t -> t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> sender.apply(request(Command.EVAL, source, keys, args)));
    }

    /**
     * An EVAL of the script as a request of its own, for a pipeline that cannot wait for a NOSCRIPT answer to
     * fall back (EVAL loads it too; Redis keeps the compiled script, so only the source travels again).
     */
    public Request evalRequest(List<String> keys, List<String> args) {
        return request(Command.EVAL, source, keys, args);
    }

    private static Request request(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }
}
