package io.heliograph.core.publish;

import java.security.SecureRandom;

/** Epoch ids: short random strings that name one offset sequence of a channel. */
public final class Epochs {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private Epochs() {
    }

    /** A fresh epoch id, 10 base-36 characters (about 51 bits): collisions are not a concern. */
    public static String random() {
        // One draw per id: every publish call carries a candidate epoch, so this is on the hot path.
        long bits = RANDOM.nextLong() >>> 13;
        char[] id = new char[10];
        for (int i = id.length - 1; i >= 0; i--) {
            id[i] = ALPHABET[(int) (bits % ALPHABET.length)];
            bits /= ALPHABET.length;
        }
        return new String(id);
    }
}
