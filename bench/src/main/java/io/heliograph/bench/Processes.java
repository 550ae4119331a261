package io.heliograph.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds the processes the bench watches: the gateway under test and, when known, Redis. */
final class Processes {

    private Processes() {
    }

    /**
     * The gateway: {@code --gateway-pid}, else the process listening on the URL's port, else the
     * launcher's {@code .heliograph/pids/gateway-1.pid}.
     */
    static Optional<ProcessProbe> gateway(long explicitPid, int port) {
        if (explicitPid > 0) {
            ProcessProbe probe = new ProcessProbe(explicitPid);
            if (!probe.alive()) {
                throw new IllegalArgumentException("--gateway-pid " + explicitPid + " is not running");
            }
            return Optional.of(probe);
        }
        return listening(port).or(() -> pidFile("gateway-1.pid")).map(ProcessProbe::new);
    }

    /** Redis: the process listening on its port, else the launcher's {@code .heliograph/pids/redis.pid}. */
    static Optional<ProcessProbe> redis(int port) {
        return listening(port).or(() -> pidFile("redis.pid")).map(ProcessProbe::new);
    }

    /** The launcher's pid file, looked up from the working directory upwards. */
    static Optional<Long> pidFile(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(".heliograph/pids").resolve(name);
            if (Files.isReadable(file)) {
                try {
                    long pid = Long.parseLong(Files.readString(file).trim());
                    return new ProcessProbe(pid).alive() ? Optional.of(pid) : Optional.empty();
                } catch (IOException | NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The process (of this user) owning a listening TCP socket on the port, from /proc/net/tcp{,6}. */
    static Optional<Long> listening(int port) {
        String hexPort = String.format(":%04X", port);
        Optional<String> inode = Optional.empty();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        inode = Optional.of(f[9]);
                    }
                }
            } catch (IOException e) {
                // table missing (no IPv6): look in the other one
            }
        }
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        String socket = "socket:[" + inode.get() + "]";
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(socket)) {
                                return Optional.of(Long.parseLong(proc.getFileName().toString()));
                            }
                        } catch (IOException e) {
                            // fd closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process or gone
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
