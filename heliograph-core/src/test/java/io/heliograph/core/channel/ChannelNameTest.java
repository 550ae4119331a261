package io.heliograph.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ChannelNameTest {

    @ParameterizedTest
    @ValueSource(strings = { "crypto.summary", "prices.btc-usd", "user.alice", "a", "chat.room:1_x" })
    void acceptsProtocolNames(String name) {
        assertThat(ChannelName.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "Crypto", ".x", "-x", "a b", "chat.\"x", "chat.é", "hg:{x}" })
    void rejectsEverythingElse(String name) {
        assertThatThrownBy(() -> ChannelName.of(name)).isInstanceOf(InvalidChannelException.class)
                .hasMessageContaining("invalid channel");
    }

    @Test
    void rejectsNamesLongerThan128() {
        assertThat(ChannelName.isValid("a".repeat(128))).isTrue();
        assertThat(ChannelName.isValid("a".repeat(129))).isFalse();
    }

    @Test
    void namespaceAndKeysShareTheHashTag() {
        ChannelName c = ChannelName.of("user.alice");
        assertThat(c.namespace()).isEqualTo("user");
        assertThat(c.local()).isEqualTo("alice");
        assertThat(ChannelName.of("system").namespace()).isEqualTo("system");
        assertThat(c.offsetKey()).isEqualTo("hg:{user.alice}:offset");
        assertThat(c.historyKey()).isEqualTo("hg:{user.alice}:history");
        assertThat(c.pubSubChannel()).isEqualTo("hg:{user.alice}");
        assertThat(ChannelName.fromPubSubChannel("hg:{user.alice}")).isEqualTo("user.alice");
        assertThat(ChannelName.fromPubSubChannel("other")).isNull();
    }
}
