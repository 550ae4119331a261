package io.heliograph.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Which master owns which hash slot, read from {@code CLUSTER NODES}, and Redis's key-to-slot rule. */
public final class ClusterSlots {

    public static final int SLOTS = 16384;

    private final int[] ownerPort = new int[SLOTS];

    private ClusterSlots() {
        Arrays.fill(ownerPort, -1);
    }

    /**
     * Parses {@code CLUSTER NODES}: one line a node,
     * {@code <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot or range>...}.
     */
    public static ClusterSlots read(String clusterNodes) {
        ClusterSlots slots = new ClusterSlots();
        for (String line : clusterNodes.split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 9 || !fields[2].contains("master")) {
                continue;
            }
            String address = fields[1].substring(0, fields[1].indexOf('@'));
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            for (int i = 8; i < fields.length; i++) {
                if (fields[i].startsWith("[")) {
                    continue; // a slot being migrated: not stable ownership
                }
                String[] range = fields[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                Arrays.fill(slots.ownerPort, from, to + 1, port);
            }
        }
        for (int slot = 0; slot < SLOTS; slot++) {
            if (slots.ownerPort[slot] < 0) {
                throw new AssertionError("slot " + slot + " has no master in:\n" + clusterNodes);
            }
        }
        return slots;
    }

    public int ownerOf(int slot) {
        return ownerPort[slot];
    }

    /** Redis's rule: CRC16 (XMODEM) of the hash tag between the first '{' and the next '}', else of the key. */
    public static int slotOf(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        int crc = 0;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            crc ^= (b & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return (crc & 0xffff) % SLOTS;
    }
}
