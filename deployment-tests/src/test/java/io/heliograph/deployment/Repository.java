package io.heliograph.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The checkout whose deployment files are verified, and the facts every check shares. */
public final class Repository {

    /** The services that ship as images, with the HTTP port each listens on. */
    public static final List<Service> SERVICES = List.of(
            new Service("gateway-service", 8080),
            new Service("pubsub-relay", 8081),
            new Service("fetcher-service", 8082),
            new Service("consumer-monitor-service", 8083));

    /** The only health endpoints the services serve (quarkus-smallrye-health). */
    public static final String LIVE = "/q/health/live";
    public static final String READY = "/q/health/ready";

    /** The gateway's drain window when HELIOGRAPH_GATEWAY_DRAIN_WINDOW is not set. */
    public static final String DEFAULT_DRAIN_WINDOW = "5s";

    public record Service(String name, int port) {

        public String image() {
            return "heliograph/" + name;
        }
    }

    private Repository() {
    }

    public static Path root() {
        Path root = Path.of(System.getProperty("heliograph.root", "..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("k8s")) || !Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new AssertionError("no Heliograph checkout with k8s/ at " + root);
        }
        return root;
    }

    public static Service service(String name) {
        return SERVICES.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("not a Heliograph service: " + name));
    }

    public static boolean isService(String name) {
        return SERVICES.stream().anyMatch(s -> s.name().equals(name));
    }

    /** Seconds of a Quarkus duration value as the services read it: "5s", "500ms", "1m", or ISO-8601. */
    public static double seconds(String duration) {
        String value = duration.trim();
        if (value.startsWith("P") || value.startsWith("p")) {
            return java.time.Duration.parse(value).toMillis() / 1000.0;
        }
        if (value.endsWith("ms")) {
            return Double.parseDouble(value.substring(0, value.length() - 2)) / 1000.0;
        }
        char unit = value.charAt(value.length() - 1);
        if (Character.isDigit(unit)) {
            return Double.parseDouble(value);
        }
        double number = Double.parseDouble(value.substring(0, value.length() - 1));
        return switch (Character.toLowerCase(unit)) {
            case 's' -> number;
            case 'm' -> number * 60;
            case 'h' -> number * 3600;
            default -> throw new AssertionError("unreadable duration " + duration);
        };
    }
}
