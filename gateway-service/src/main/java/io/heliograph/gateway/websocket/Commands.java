package io.heliograph.gateway.websocket;

import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import io.heliograph.core.channel.ChannelName;
import io.heliograph.core.channel.NamespacePolicy;
import io.heliograph.core.envelope.CloudEvent;
import io.heliograph.core.publish.EventPublisher;
import io.heliograph.core.publish.PublishException;
import io.heliograph.gateway.auth.ChannelAccess;
import io.heliograph.gateway.auth.TokenVerifier;
import io.heliograph.gateway.config.GatewayConfig;
import io.heliograph.gateway.hub.Client;
import io.heliograph.gateway.presence.Presence;
import io.heliograph.gateway.protocol.CloseCodes;
import io.heliograph.gateway.protocol.ErrorCode;
import io.heliograph.gateway.protocol.ProtocolException;
import io.heliograph.gateway.protocol.Replies;
import io.heliograph.gateway.recovery.ChannelHistory;
import io.smallrye.mutiny.Uni;

/**
 * The client commands of PROTOCOL.md section 4. Every bad command gets an {@code error} reply with
 * the command's id; the connection is closed only after {@code abuse-threshold} refusals in a row
 * (4008 when they were rate limits, 1008 otherwise). Never blocks: Redis work is asynchronous.
 */
@ApplicationScoped
public class Commands {

    private static final Logger LOG = Logger.getLogger(Commands.class);
    private static final String SOURCE = "/gateway-service";

    private final GatewayConfig config;
    private final ChannelAccess access;
    private final ChannelHistory history;
    private final Presence presence;
    private final EventPublisher publisher;
    private final TokenVerifier tokens;
    private final Sessions sessions;
    private final ObjectMapper mapper;

    public Commands(GatewayConfig config, ChannelAccess access, ChannelHistory history, Presence presence,
            EventPublisher publisher, TokenVerifier tokens, Sessions sessions, ObjectMapper mapper) {
        this.config = config;
        this.access = access;
        this.history = history;
        this.presence = presence;
        this.publisher = publisher;
        this.tokens = tokens;
        this.sessions = sessions;
        this.mapper = mapper;
    }

    /** Frames up to this size are parsed for their id even when refused, so a client can match the refusal. */
    private static final int ID_PARSE_LIMIT = 512;

    /**
     * Every inbound frame takes a token from the command limiter before anything reads it, so a
     * client cannot make the gateway parse more than {@code command-rate} frames a second, whatever
     * they hold; a valid command heals one strike, it does not forgive them all.
     */
    void handle(Session session, String text) {
        if (!session.commands.tryTake()) {
            sessions.rateLimited();
            refuse(session, text.length() <= ID_PARSE_LIMIT ? idOf(text) : null, ErrorCode.RATE_LIMITED,
                    "more than " + config.commandRate() + " commands per second");
            return;
        }
        JsonNode command;
        try {
            command = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            refuse(session, null, ErrorCode.BAD_REQUEST, "malformed JSON");
            return;
        }
        Long id = command != null && command.path("id").isIntegralNumber() ? command.get("id").asLong() : null;
        if (command == null || !command.isObject()) {
            refuse(session, null, ErrorCode.BAD_REQUEST, "a command is a JSON object");
            return;
        }
        JsonNode op = command.get("op");
        if (op == null || !op.isTextual()) {
            refuse(session, id, ErrorCode.BAD_REQUEST, "missing op");
            return;
        }
        if (id == null) {
            refuse(session, null, ErrorCode.BAD_REQUEST, "missing or non-integer id");
            return;
        }
        try {
            Uni<String> reply = switch (op.asText()) {
                case "subscribe" -> subscribe(session, id, command);
                case "unsubscribe" -> unsubscribe(session, id, command);
                case "publish" -> publish(session, id, command);
                case "history" -> history(session, id, command);
                case "presence" -> presence(session, id, command);
                case "ping" -> Uni.createFrom().item(Replies.pong(id));
                case "auth" -> auth(session, id, command);
                default -> throw new ProtocolException(ErrorCode.UNKNOWN_OP, "unknown op '" + truncate(op.asText()) + "'");
            };
            session.strikes = Math.max(0, session.strikes - 1);
            reply.subscribe().with(frame -> {
                if (frame != null) {
                    session.client.send(frame);
                }
            }, failure -> fail(session, id, failure));
        } catch (RuntimeException e) {
            fail(session, id, e);
        }
    }

    private Long idOf(String text) {
        try {
            JsonNode command = mapper.readTree(text);
            return command != null && command.path("id").isIntegralNumber() ? command.get("id").asLong() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private void fail(Session session, Long id, Throwable failure) {
        if (failure instanceof ProtocolException p) {
            refuse(session, id, p.code(), p.getMessage());
        } else if (failure instanceof PublishException p) {
            refuse(session, id, ErrorCode.valueOf(p.reason().name()), p.getMessage());
        } else {
            LOG.debugf(failure, "command %s failed", id);
            refuse(session, id, ErrorCode.UNAVAILABLE, "Redis is unavailable; try again");
        }
    }

    /** Replies with an error and closes the connection once the client keeps misbehaving. */
    void refuse(Session session, Long id, ErrorCode code, String message) {
        session.client.send(Replies.error(id, code, message));
        if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.INTERNAL) {
            return; // our fault, not the client's
        }
        session.strikes++;
        if (session.strikes >= config.abuseThreshold()) {
            session.client.close(code == ErrorCode.RATE_LIMITED ? CloseCodes.RATE_LIMIT : CloseCodes.POLICY);
        }
    }

    /**
     * Forgets a connection at once (slow consumer, dead peer): its subscriptions and presence go now,
     * not when its close handshake ends, which a peer that does not read may delay for seconds.
     */
    void drop(String connectionId) {
        Session session = sessions.remove(connectionId);
        if (session != null) {
            closed(session);
        }
    }

    /** The client leaves every channel and its presence, and anything still in flight registers nothing. */
    void closed(Session session) {
        session.client.unsubscribeAll();
    }

    private ChannelName channel(JsonNode command) {
        JsonNode channel = command.get("channel");
        return access.channel(channel == null || !channel.isTextual() ? null : channel.asText());
    }

    private NamespacePolicy readable(Session session, ChannelName channel) {
        return access.readable(channel, session.client.user());
    }

    private Uni<String> subscribe(Session session, long id, JsonNode command) {
        ChannelName channel = channel(command);
        NamespacePolicy policy = readable(session, channel);
        Client.Since since = null;
        JsonNode s = command.get("since");
        if (s != null && !s.isNull()) {
            if (!s.isObject() || !s.path("epoch").isTextual() || !s.path("offset").isIntegralNumber()
                    || s.get("offset").asLong() < 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "since must be {\"epoch\":string,\"offset\":integer>=0}");
            }
            since = new Client.Since(s.get("epoch").asText(), s.get("offset").asLong());
        }
        String name = channel.value();
        return session.client.subscribe(channel, policy, since, config.maxSubscriptions(),
                (epoch, offset, recovered, snapshot) -> Replies.subscribed(id, name, epoch, offset, recovered, snapshot))
                .replaceWith((String) null);
    }

    private Uni<String> unsubscribe(Session session, long id, JsonNode command) {
        ChannelName channel = channel(command);
        if (!session.client.unsubscribe(channel.value())) {
            throw new ProtocolException(ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + channel);
        }
        return Uni.createFrom().item(Replies.unsubscribed(id, channel.value()));
    }

    private Uni<String> publish(Session session, long id, JsonNode command) {
        ChannelName channel = channel(command);
        NamespacePolicy policy = readable(session, channel);
        if (!policy.clientPublish()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "clients may not publish in namespace '" + channel.namespace() + "'");
        }
        String type = command.path("type").asText("");
        if (!CloudEvent.isValidType(type)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "type must match ^[A-Za-z0-9._:-]{1,64}$");
        }
        JsonNode data = command.get("data");
        String name = data == null ? null : data.path("name").isTextual() ? data.get("name").asText() : null;
        String text = data == null ? null : data.path("text").isTextual() ? data.get("text").asText() : null;
        if (name == null || name.isBlank() || name.codePointCount(0, name.length()) > config.chatNameMax()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "data.name must be 1.." + config.chatNameMax() + " characters");
        }
        if (text == null || text.isBlank() || text.codePointCount(0, text.length()) > config.chatTextMax()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "data.text must be 1.." + config.chatTextMax() + " characters");
        }
        if (!session.publishes.tryTake()) {
            sessions.rateLimited();
            throw new ProtocolException(ErrorCode.RATE_LIMITED,
                    "at most " + config.clientPublishRate() + " message(s) per second; wait and send again");
        }
        Map<String, String> payload = Map.of("name", name, "text", text);
        String subject = session.client.user() == null ? null : "user/" + session.client.user();
        return publisher.publish(channel.value(), CloudEvent.of(SOURCE, type, subject, payload))
                .map(p -> Replies.published(id, p.channel(), p.epoch(), p.offset()));
    }

    private Uni<String> history(Session session, long id, JsonNode command) {
        ChannelName channel = channel(command);
        NamespacePolicy policy = readable(session, channel);
        int limit = config.historyDefaultLimit();
        JsonNode l = command.get("limit");
        if (l != null && !l.isNull()) {
            if (!l.isIntegralNumber() || l.asInt() < 1) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "limit must be a positive integer");
            }
            limit = l.asInt();
        }
        int bounded = Math.min(limit, Math.max(policy.history(), 0));
        if (bounded == 0) {
            return history.current(channel, false)
                    .map(p -> Replies.history(id, channel.value(), p.epoch(), p.offset(), java.util.List.of()));
        }
        return history.latest(channel, bounded)
                .map(p -> Replies.history(id, channel.value(), p.epoch(), p.offset(), p.frames()));
    }

    private Uni<String> presence(Session session, long id, JsonNode command) {
        ChannelName channel = channel(command);
        NamespacePolicy policy = readable(session, channel);
        if (!policy.presence()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "namespace '" + channel.namespace() + "' has no presence");
        }
        return presence.list(channel)
                .map(members -> Replies.presence(id, channel.value(), members.size(), "[" + String.join(",", members) + "]"));
    }

    private Uni<String> auth(Session session, long id, JsonNode command) {
        JsonNode token = command.get("access_token");
        if (token == null || !token.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "missing access_token");
        }
        TokenVerifier.Identity identity;
        try {
            identity = tokens.verify(token.asText());
        } catch (TokenVerifier.InvalidTokenException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
        String current = session.client.user();
        if (current != null && !current.equals(identity.subject())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "a refreshed token must have the same subject");
        }
        session.client.user(identity.subject());
        session.expiresAt = identity.expiresAt();
        Instant expires = identity.expiresAt();
        return Uni.createFrom().item(Replies.authed(id, expires == null ? null : expires.toString()));
    }

    private static String truncate(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "..." : s;
    }
}
