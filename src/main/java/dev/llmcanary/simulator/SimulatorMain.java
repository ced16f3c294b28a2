package dev.llmcanary.simulator;

import io.vertx.core.Vertx;

/** Starts the simulator on its own: {@code --host 127.0.0.1 --port 8089 [--api-key K] [--max-recorded N]}. */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = 8089;
        String apiKey = null;
        int maxRecorded = -1;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + arg);
            }
            switch (arg) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--api-key" -> apiKey = args[++i];
                case "--max-recorded" -> maxRecorded = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + arg
                        + " (use --host H --port P [--api-key K] [--max-recorded N])");
            }
        }
        SimulatorConfig config = SimulatorConfig.defaults(host, port);
        if (apiKey != null) {
            config = config.withApiKey(apiKey);
        }
        if (maxRecorded > 0) {
            config = new SimulatorConfig(config.host(), config.port(), config.apiKey(), config.models(), maxRecorded);
        }
        Vertx vertx = Vertx.vertx();
        String boundHost = host;
        new SimulatorServer(vertx, config).start()
                .onSuccess(actual -> System.out.println(
                        "llm-canary simulator listening on http://" + boundHost + ":" + actual))
                .onFailure(e -> {
                    System.err.println("llm-canary simulator failed to start: " + e.getMessage());
                    vertx.close();
                    System.exit(1);
                });
    }
}
