package io.heliograph.system;

import java.time.Duration;
import java.util.Map;

import io.heliograph.testkit.ServiceProcess;
import io.heliograph.testkit.WsClient;

/** The packaged services as the system tests run them, and protocol clients of a gateway process. */
final class Services {

    /** How long a client waits for a frame: a frame crosses processes (and Redis restarts) here. */
    static final Duration WAIT = Duration.ofSeconds(15);

    private Services() {
    }

    /** Starts {@code module}'s quarkus-run.jar on a free port and waits until it is ready; close() is a SIGTERM. */
    static ServiceProcess start(String module, String name, Map<String, String> env) {
        return ServiceProcess.of(module).name(name).env(env).jvmArgs("-Xmx256m").gracefulClose(Duration.ofSeconds(15))
                .missingJarHint("run `mvn package` first (the reactor builds it before this module)").start();
    }

    static WsClient ws(ServiceProcess gateway) {
        return ws(gateway, "/ws");
    }

    static WsClient ws(ServiceProcess gateway, String path) {
        return WsClient.connect(gateway.uri(), path, Map.of(), WAIT);
    }
}
