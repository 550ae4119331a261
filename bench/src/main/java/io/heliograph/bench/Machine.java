package io.heliograph.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The machine a result was measured on: it belongs next to every number. */
final class Machine {

    private Machine() {
    }

    static void describe(Report report) {
        report.row("machine", Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
                + Report.mib(memTotalBytes()) + " RAM");
        report.row("load average", String.join(" ", Arrays.asList(firstLine("/proc/loadavg").split(" ")).subList(0, 3))
                + " (1/5/15 min; above the CPU count means a busy machine)");
        report.row("bench JVM", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                + ", " + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** The 1-minute load average (runnable processes; above the CPU count the machine is oversubscribed), NaN if unknown. */
    static double loadAverage() {
        try {
            return Double.parseDouble(firstLine("/proc/loadavg").split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The soft limit on open files of this process: each connection needs one. */
    static long openFileLimit() {
        for (String line : lines("/proc/self/limits")) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 1024;
    }

    private static String cpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    private static long memTotalBytes() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    private static String firstLine(String file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? "?" : lines.get(0);
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
