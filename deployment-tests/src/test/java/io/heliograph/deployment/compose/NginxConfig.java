package io.heliograph.deployment.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small reader of nginx configuration: directives and nested blocks, enough to check what the
 * balancer routes where. Syntax itself is checked by {@code nginx -t} in {@link NginxSyntaxTest}.
 */
final class NginxConfig {

    /** One block ({@code http}, {@code upstream gateways}, {@code location = /ws}, ...). */
    static final class Block {
        final String name;
        final List<String> args;
        final Block parent;
        final List<List<String>> directives = new ArrayList<>();
        final List<Block> children = new ArrayList<>();

        Block(String name, List<String> args, Block parent) {
            this.name = name;
            this.args = args;
            this.parent = parent;
        }

        /** Arguments of the first such directive in this block, joined by spaces, or null. */
        String value(String directive) {
            List<String> all = values(directive);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> values(String directive) {
            return directives.stream().filter(d -> d.get(0).equals(directive))
                    .map(d -> String.join(" ", d.subList(1, d.size()))).toList();
        }

        List<Block> all() {
            List<Block> result = new ArrayList<>(List.of(this));
            children.forEach(c -> result.addAll(c.all()));
            return result;
        }
    }

    private final String text;
    private final Block root;

    private NginxConfig(String text, Block root) {
        this.text = text;
        this.root = root;
    }

    static NginxConfig read(Path file) throws IOException {
        String text = Files.readString(file);
        return new NginxConfig(text, parse(tokens(text)));
    }

    String text() {
        return text;
    }

    List<String> upstreamServers(String upstream) {
        return root.all().stream().filter(b -> b.name.equals("upstream") && b.args.equals(List.of(upstream)))
                .findFirst().orElseThrow(() -> new AssertionError("no upstream " + upstream))
                .directives.stream().filter(d -> d.get(0).equals("server")).map(d -> d.get(1)).toList();
    }

    Block location(String args) {
        return root.all().stream().filter(b -> b.name.equals("location") && String.join(" ", b.args).equals(args))
                .findFirst().orElseThrow(() -> new AssertionError("no location " + args));
    }

    List<String> locations() {
        return root.all().stream().filter(b -> b.name.equals("location")).map(b -> b.args.get(b.args.size() - 1)).toList();
    }

    /** A directive's value where nginx would take it from: the block, else the closest enclosing one. */
    String effective(Block block, String directive) {
        for (Block b = block; b != null; b = b.parent) {
            String value = b.value(directive);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '{' || c == '}' || c == ';') {
                tokens.add(String.valueOf(c));
                i++;
            } else if (c == '"' || c == '\'') {
                int end = text.indexOf(c, i + 1);
                tokens.add(text.substring(i + 1, end));
                i = end + 1;
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && "{};".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(text.substring(start, i));
            }
        }
        return tokens;
    }

    private static Block parse(List<String> tokens) {
        Block root = new Block("", List.of(), null);
        Block current = root;
        List<String> words = new ArrayList<>();
        for (String token : tokens) {
            switch (token) {
                case ";" -> {
                    current.directives.add(List.copyOf(words));
                    words.clear();
                }
                case "{" -> {
                    Block child = new Block(words.get(0), List.copyOf(words.subList(1, words.size())), current);
                    current.children.add(child);
                    current = child;
                    words.clear();
                }
                case "}" -> {
                    if (current.parent == null) {
                        throw new AssertionError("unbalanced '}' in nginx configuration");
                    }
                    current = current.parent;
                }
                default -> words.add(token);
            }
        }
        if (current != root || !words.isEmpty()) {
            throw new AssertionError("unterminated block or directive in nginx configuration");
        }
        return root;
    }
}
