package io.heliograph.bench;

/**
 * Heliograph's load generator (a program, not a test): {@code w1}, {@code w2}, {@code w3} and
 * {@code kafka} against a gateway that is already running on this machine. Every run stops by
 * itself, sends only to loopback addresses and prints one table of results. See
 * docs/benchmarks.md for the workloads and how to run them; {@code bench/run.sh} raises the
 * open-file limit first.
 */
public final class Bench {

    private static final String USAGE = """
            usage: bench/run.sh <workload> [--option value ...]

            workloads
              w0      small broadcast: 1,000 connections on 1 channel, 50 events/s for 20 s
              w1      broadcast: 2,000 connections on 1 channel, 200 events/s for 20 s
              w2      5,000 connections over 100 channels, 1,000 events/s in total for 20 s
              w3      10,000 idle connections (subscribed, no traffic): gateway RSS per connection
              kafka   10,000 Kafka messages -> consumer-monitor-service -> processing-completed on a WebSocket
              publish N keep-alive HTTP clients on pubsub-relay's POST /api/events (or /batch): events/s, latency, statuses
                      (--via publisher-client: through the Java publisher and its own connection pool)
              churn   clients connecting, subscribing and leaving at random (many mid-subscribe) over gateways: leaks, heap
              compare W0..W3 against the plain-Netty floor and the packaged gateway, fresh processes, 3 rounds,
                      medians and gateway/floor ratios (starts both servers itself; see docs/benchmarks.md)

            common options
              --url ws://127.0.0.1:8080/ws   the gateway (loopback only)
              --redis redis://127.0.0.1:6379 Redis for publishing (default $REDIS_URL)
              --gateway-pid N                the gateway process (default: the one listening on the URL's port,
                                             else .heliograph/pids/gateway-1.pid)
              --event-loops 2                client event loops
              --connect-rate 500             new connections per second
              --per-address 900              connections per local source address 127.0.0.x (the gateway
                                             allows 1,000 per client IP by default)
              --connect-timeout 10           seconds
              --connect-deadline S           longest connect phase (default: the pacing time + 2 connect timeouts;
                                             compare: 180 s)
              --hard-stop S                  end the process after S seconds (default: estimated run time + 60 s)

            w0 / w1 / w2 options: --connections N --channels N --rate EVENTS_PER_S --duration S --warmup S --drain S
                             --payload-bytes N --namespace prices --memory (server memory per connection first:
                             --warmup-connections N --settle S)
            w3 options:      --connections N --channels N --settle S --gc (jcmd GC.run in the gateway before readings)
            kafka options:   --messages N --topic T (the monitor must consume it) --bootstrap 127.0.0.1:9092
                             --partitions N --timeout S --warmup-timeout S --events-channel consumer.events
            compare options: --workloads w0,w1,w2,w3 --rounds 3 --server-jvm-flags "-Xms256m -Xmx1g -XX:+UseParallelGC"
                             --server-java PATH (default: the bench's java) --gateway-app DIR (gateway-service/target/
                             quarkus-app; built if missing) --gateway-label TEXT --floor-src DIR (../shared/peers/jvm-floor)
                             --floor-event-loops 2 --out DIR; --duration --warmup --drain --settle --warmup-connections
                             apply to every workload; --connect-rate defaults to 20,000/s; --url and --gateway-pid
                             do not apply (it starts the servers)
            """;

    private Bench() {
    }

    public static void main(String[] argv) {
        if (argv.length == 0 || argv[0].equals("-h") || argv[0].equals("--help") || argv[0].equals("help")) {
            System.out.print(USAGE);
            System.exit(argv.length == 0 ? 2 : 0);
        }
        int status;
        try {
            Args args = new Args(argv, 1);
            status = switch (argv[0]) {
                case "compare" -> Compare.run(args, argv);
                case "w0" -> FanOutWorkload.run(FanOutWorkload.W0, args);
                case "w1" -> FanOutWorkload.run(FanOutWorkload.W1, args);
                case "w2" -> FanOutWorkload.run(FanOutWorkload.W2, args);
                case "w3" -> IdleWorkload.run(args);
                case "slow" -> SlowConsumersWorkload.run(args);
                case "kafka" -> KafkaWorkload.run(args);
                case "publish" -> PublishWorkload.run(args);
                case "churn" -> ChurnWorkload.run(args);
                default -> throw new IllegalArgumentException("unknown workload '" + argv[0] + "'");
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("heliograph-bench: " + e.getMessage());
            if (e.getMessage() != null && e.getMessage().startsWith("unknown")) {
                System.err.print(USAGE);
            }
            status = 2;
        }
        // Non-daemon threads of the clients (Kafka, Vert.x) must not keep a finished run alive.
        System.exit(status);
    }
}
