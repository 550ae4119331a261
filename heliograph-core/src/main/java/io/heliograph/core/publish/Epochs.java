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
        char[] id = new char[10];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
