package dev.llmcanary.loadprobe.scenario;

import java.util.List;
import java.util.Optional;

/** The scenarios of one successful configuration load, in file order; immutable. */
public record ScenarioSet(List<Scenario> scenarios) {

    public static final ScenarioSet EMPTY = new ScenarioSet(List.of());

    public ScenarioSet {
        scenarios = List.copyOf(scenarios);
    }

    public Optional<Scenario> find(String id) {
        return scenarios.stream().filter(s -> s.id().equals(id)).findFirst();
    }
}
