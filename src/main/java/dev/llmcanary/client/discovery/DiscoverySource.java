package dev.llmcanary.client.discovery;

import dev.llmcanary.canary.Endpoint;

import java.util.List;
import java.util.function.Consumer;

/** A running discovery of one pool's endpoints; reports the whole current list whenever it may have changed. */
public interface DiscoverySource {

    /** Starts discovering; {@code onChange} receives each new list, sorted by name, from any thread. */
    void start(Consumer<List<Endpoint>> onChange);

    /** Stops discovering; no list is reported afterwards. */
    void stop();
}
