package io.heliograph.bench;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the two numbers the fan-out workloads need from an event frame without parsing it: at
 * hundreds of thousands of deliveries a second a full JSON parse would make the load generator,
 * not the gateway, the bottleneck. It relies on the frame layout of PROTOCOL.md section 4
 * ({@code {"op":"event","channel":..,"epoch":..,"offset":N,"event":{..}}}): the first
 * {@code "offset":} is the frame's own, because channel names and epochs cannot contain quotes.
 */
final class FrameScanner {

    private static final byte[] EVENT = bytes("{\"op\":\"event\"");
    private static final byte[] OFFSET = bytes("\"offset\":");
    private static final byte[] EPOCH = bytes("\"epoch\":\"");
    /** The key the bench puts its send time under in the event's data. */
    static final String SENT_KEY = "benchNanos";
    private static final byte[] SENT = bytes("\"" + SENT_KEY + "\":");
    /** The key of the publisher's sequence number in the event's data. */
    static final String SEQ_KEY = "benchSeq";
    private static final byte[] SEQ = bytes("\"" + SEQ_KEY + "\":");

    /** Returned when a number is not in the frame. */
    static final long ABSENT = Long.MIN_VALUE;

    private FrameScanner() {
    }

    static boolean isEvent(Buffer frame) {
        return startsWith(frame, EVENT, 0);
    }

    /** The frame's offset, or {@link #ABSENT}. */
    static long offset(Buffer frame) {
        return numberAfter(frame, OFFSET);
    }

    /** The frame's epoch (the string after the first {@code "epoch":"}), or null. */
    static String epoch(Buffer frame) {
        int start = indexAfter(frame, EPOCH);
        for (int k = start; k >= 0 && k < frame.length(); k++) {
            if (frame.getByte(k) == '"') {
                return frame.getString(start, k, "US-ASCII");
            }
        }
        return null;
    }

    /** The publisher's {@code System.nanoTime()} at send (may be negative), or {@link #ABSENT}. */
    static long sentNanos(Buffer frame) {
        return numberAfterLast(frame, SENT);
    }

    /** The publisher's sequence number of the event, or {@link #ABSENT}. */
    static long sequence(Buffer frame) {
        return numberAfterLast(frame, SEQ);
    }

    private static long numberAfter(Buffer frame, byte[] key) {
        return number(frame, indexAfter(frame, key));
    }

    /**
     * Searched from the end: the bench's keys are the last members of the event's data (the
     * publisher puts any padding first), and the data is the envelope's last member, so at
     * hundreds of thousands of frames a second the client reads a few dozen bytes per frame
     * instead of the whole frame.
     */
    private static long numberAfterLast(Buffer frame, byte[] key) {
        return number(frame, indexAfterLast(frame, key));
    }

    /** The index just after the first occurrence of {@code key}, or -1. */
    private static int indexAfter(Buffer frame, byte[] key) {
        for (int i = 0; i + key.length < frame.length(); i++) {
            if (matches(frame, key, i)) {
                return i + key.length;
            }
        }
        return -1;
    }

    /** The index just after the last occurrence of {@code key}, or -1. */
    private static int indexAfterLast(Buffer frame, byte[] key) {
        for (int i = frame.length() - key.length - 1; i >= 0; i--) {
            if (matches(frame, key, i)) {
                return i + key.length;
            }
        }
        return -1;
    }

    private static boolean matches(Buffer frame, byte[] key, int at) {
        for (int j = 0; j < key.length; j++) {
            if (frame.getByte(at + j) != key[j]) {
                return false;
            }
        }
        return true;
    }

    /** The (optionally negative) whole number starting at {@code from}, or {@link #ABSENT} (also for {@code from} -1). */
    private static long number(Buffer frame, int from) {
        if (from < 0) {
            return ABSENT;
        }
        long value = 0;
        int digits = 0;
        boolean negative = false;
        for (int k = from; k < frame.length(); k++) {
            byte b = frame.getByte(k);
            if (b == '-' && digits == 0 && !negative) {
                negative = true;
            } else if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
                digits++;
            } else {
                break;
            }
        }
        return digits == 0 ? ABSENT : negative ? -value : value;
    }

    private static boolean startsWith(Buffer frame, byte[] prefix, int at) {
        if (frame.length() < at + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (frame.getByte(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
