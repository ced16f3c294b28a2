package dev.llmcanary.loadprobe;

import dev.llmcanary.loadprobe.scenario.ScenarioSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicReference;

/** The load-probe scenarios in force (the last good load), swapped whole by the configuration reload. */
@ApplicationScoped
public class ScenarioHolder {

    private final AtomicReference<ScenarioSet> current = new AtomicReference<>(ScenarioSet.EMPTY);

    public ScenarioSet get() {
        return current.get();
    }

    public void swap(ScenarioSet set) {
        current.set(set);
    }
}
