package io.heliograph.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class FrameScannerTest {

    private static final String ENVELOPE = "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"/heliograph-bench\",\"type\":\"price-update\","
            + "\"time\":\"2026-12-01T22:00:00.000Z\",\"subject\":\"prices.x\",\"datacontenttype\":\"application/json\","
            + "\"data\":{\"pad\":\"xxxx\",\"benchNanos\":-123456789,\"benchSeq\":42}}";

    @Test
    void readsOffsetSendTimeAndSequenceFromABuiltFrame() {
        Buffer frame = Buffer.buffer(FrameBuilder.eventFrame("prices.x", "e1abcdefgh", 17, ENVELOPE));
        assertThat(FrameScanner.isEvent(frame)).isTrue();
        assertThat(FrameScanner.offset(frame)).isEqualTo(17);
        assertThat(FrameScanner.epoch(frame)).isEqualTo("e1abcdefgh");
        assertThat(FrameScanner.sentNanos(frame)).isEqualTo(-123456789L);
        assertThat(FrameScanner.sequence(frame)).isEqualTo(42);
    }

    @Test
    void framesWithoutTheNumbersSayAbsent() {
        Buffer subscribed = Buffer.buffer("{\"op\":\"subscribed\",\"id\":1,\"channel\":\"prices.x\"}");
        assertThat(FrameScanner.isEvent(subscribed)).isFalse();
        assertThat(FrameScanner.offset(subscribed)).isEqualTo(FrameScanner.ABSENT);
        assertThat(FrameScanner.epoch(subscribed)).isNull();
        assertThat(FrameScanner.sequence(subscribed)).isEqualTo(FrameScanner.ABSENT);
        assertThat(FrameScanner.sentNanos(Buffer.buffer("{\"benchNanos\":}"))).isEqualTo(FrameScanner.ABSENT);
    }
}
