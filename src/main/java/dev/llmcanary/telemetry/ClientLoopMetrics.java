package dev.llmcanary.telemetry;

import dev.llmcanary.client.StreamingClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Shows how the streaming client spreads its streams over its event loops: one started counter and one in-flight
 * gauge per loop, read from the client's own per-loop counters at scrape time (nothing is added to the stream path).
 * An uneven spread means one core does the work of all.
 */
public final class ClientLoopMetrics {

    private ClientLoopMetrics() {
    }

    /** Registers {@link MetricNames#CLIENT_STREAMS_STARTED} and {@link MetricNames#CLIENT_STREAMS_IN_FLIGHT}. */
    public static void bind(StreamingClient client, MeterRegistry registry) {
        for (int i = 0; i < client.eventLoops(); i++) {
            int loop = i;
            String label = Integer.toString(loop);
            FunctionCounter.builder(MetricNames.CLIENT_STREAMS_STARTED, client, c -> c.streamsStarted(loop))
                    .description("Streams the canary's HTTP client started on each of its event loops")
                    .tag(MetricNames.EVENT_LOOP, label).register(registry);
            Gauge.builder(MetricNames.CLIENT_STREAMS_IN_FLIGHT, client, c -> c.streamsInFlight(loop))
                    .description("Streams running on each event loop of the canary's HTTP client")
                    .tag(MetricNames.EVENT_LOOP, label).register(registry);
        }
    }
}
