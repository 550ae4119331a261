package io.heliograph.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options of one subcommand. Every option read is remembered, so an option
 * nobody asked for (a typo) is refused by {@link #refuseUnknown()} instead of silently ignored.
 */
final class Args {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final Set<String> read = new HashSet<>();

    Args(String[] argv, int from) {
        for (int i = from; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                values.put(name, argv[++i]);
            } else {
                flags.add(name);
            }
        }
    }

    String string(String name, String fallback) {
        read.add(name);
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        long value = longValue(name, fallback, min, max);
        return (int) value;
    }

    long longValue(String name, long fallback, long min, long max) {
        String text = string(name, null);
        long value;
        try {
            value = text == null ? fallback : Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    boolean flag(String name) {
        read.add(name);
        return flags.contains(name) || "true".equals(values.get(name));
    }

    void refuseUnknown() {
        Set<String> unknown = new HashSet<>(values.keySet());
        unknown.addAll(flags);
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
        }
    }
}
