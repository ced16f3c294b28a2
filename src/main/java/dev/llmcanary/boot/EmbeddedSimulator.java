package dev.llmcanary.boot;

import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The simulator started inside the service (the embedded default target), and the address pools.yaml refers to. */
@ApplicationScoped
public class EmbeddedSimulator {

    /** The variable pools.yaml uses to point at the embedded simulator. */
    public static final String URL_VARIABLE = "llm-canary.simulator.url";
    private static final Logger LOG = Logger.getLogger(EmbeddedSimulator.class);

    private final CanaryConfig.Simulator config;
    private volatile Vertx vertx;
    private volatile SimulatorServer server;
    private volatile String url;

    public EmbeddedSimulator(CanaryConfig config) {
        this.config = config.simulator();
    }

    /** Starts it when enabled and waits until it listens (its port must be known before pools load). */
    void start() throws Exception {
        if (!config.enabled()) {
            return;
        }
        // A Vert.x of its own, without the service's metrics: on the service's instance its HTTP server registered
        // http_server_* meters that clashed with the service's own (other tag keys), the service's HTTP server then
        // never finished starting, and a SIGTERM waited for that until the process was killed.
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
        server = new SimulatorServer(vertx, SimulatorConfig.defaults(config.host(), config.port()));
        int port = server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        url = "http://" + config.host() + ":" + port;
        LOG.infof("embedded simulator listening on %s", url);
    }

    void stop() {
        Vertx own = vertx;
        if (server != null) {
            // Close the instance once the undeploys are done (closing it meanwhile would undeploy them twice).
            server.stop().onComplete(ar -> {
                if (own != null) {
                    own.close();
                }
            });
        } else if (own != null) {
            own.close();
        }
    }

    /** Its base URL once it listens. */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** The running server (tests read its write record). */
    public Optional<SimulatorServer> server() {
        return Optional.ofNullable(server);
    }
}
