package io.heliograph.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux tells about one process: resident memory, CPU time, command line and JDK. Reads
 * {@code /proc} only, so it works for any process of the same user without attaching to it.
 */
final class ProcessProbe {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ; 100 on every Linux this runs on). */
    private static final long TICKS_PER_SECOND = 100;
    private static final Pattern GC_FLAG = Pattern.compile("-XX:\\+Use\\w*GC\\b");
    private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");

    private final long pid;

    ProcessProbe(long pid) {
        this.pid = pid;
    }

    static ProcessProbe self() {
        return new ProcessProbe(ProcessHandle.current().pid());
    }

    long pid() {
        return pid;
    }

    boolean alive() {
        return Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    /** Resident set size in bytes ({@code VmRSS}). */
    long rssBytes() {
        for (String line : lines("status")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** User plus system CPU time consumed so far, in nanoseconds. */
    long cpuNanos() {
        String stat = String.join(" ", lines("stat"));
        // The command name (field 2) may contain spaces; fields after it are counted from its ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    List<String> commandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> args = new ArrayList<>();
            for (String arg : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                if (!arg.isEmpty()) {
                    args.add(arg);
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The JVM options of the command line: everything between the java binary and {@code -jar} or the main class. */
    List<String> jvmFlags() {
        List<String> args = commandLine();
        List<String> flags = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-jar") || !arg.startsWith("-")) {
                break;
            }
            flags.add(arg);
            if (arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) {
                i++;
            }
        }
        return flags;
    }

    Optional<Path> javaHome() {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            return Optional.ofNullable(exe.getParent()).map(Path::getParent);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The JDK from its {@code release} file, e.g. "Eclipse Adoptium 25.0.3+9-LTS (/usr/lib/jvm/...)". */
    String jdk() {
        Optional<Path> home = javaHome();
        if (home.isEmpty()) {
            return "unknown";
        }
        Properties release = new Properties();
        try (var in = Files.newBufferedReader(home.get().resolve("release"))) {
            release.load(in);
        } catch (IOException e) {
            return home.get().toString();
        }
        return unquote(release.getProperty("IMPLEMENTOR", "")) + " "
                + unquote(release.getProperty("JAVA_RUNTIME_VERSION", release.getProperty("JAVA_VERSION", "?")))
                + " (" + home.get() + ")";
    }

    /**
     * The flags the JVM actually runs with ({@code jcmd <pid> VM.flags}): the collector and heap size
     * it chose ergonomically, which the command line does not show. Empty when jcmd is unavailable.
     */
    Optional<String> effectiveGcFlags() {
        Optional<String> flags = jcmd("VM.flags");
        if (flags.isEmpty()) {
            return Optional.empty();
        }
        List<String> picked = new ArrayList<>();
        Matcher gc = GC_FLAG.matcher(flags.get());
        while (gc.find()) {
            picked.add(gc.group());
        }
        Matcher heap = MAX_HEAP.matcher(flags.get());
        if (heap.find()) {
            picked.add("MaxHeapSize=" + Long.parseLong(heap.group(1)) / (1024 * 1024) + "m");
        }
        if (flags.get().contains("+UseCompactObjectHeaders")) {
            picked.add("-XX:+UseCompactObjectHeaders");
        }
        return Optional.of(String.join(" ", picked));
    }

    /** Runs a jcmd diagnostic command against the process (same user), at most 20 s. */
    Optional<String> jcmd(String command) {
        Optional<Path> home = javaHome();
        if (home.isEmpty() || !Files.isExecutable(home.get().resolve("bin/jcmd"))) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(home.get().resolve("bin/jcmd").toString(), Long.toString(pid), command)
                    .redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/" + file + " (process gone?)", e);
        }
    }

    private static String unquote(String text) {
        return text.replace("\"", "");
    }

    /** A CPU-time reading paired with the wall clock, to turn two readings into cores used. */
    record CpuSample(long cpuNanos, long wallNanos) {

        static CpuSample of(ProcessProbe probe) {
            return new CpuSample(probe.cpuNanos(), System.nanoTime());
        }

        /** Average number of cores busy between this sample and a later one. */
        double coresUntil(CpuSample later) {
            return (later.cpuNanos - cpuNanos) / (double) Math.max(1, later.wallNanos - wallNanos);
        }
    }
}
