package dev.llmcanary.api;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Target;
import dev.llmcanary.store.SloCount;
import dev.llmcanary.client.Endpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the fleet grid from the catalog and the latest state of each target. Pure: the resource hands it lookups
 * over the run history, the run store, the scheduler's skips and the endpoint guards.
 */
final class FleetAssembler {

    /** Current states, worst last, so a cell shows the state that needs attention. */
    private static final List<String> SEVERITY = List.of("none", "pass", "skipped", "fail", "error");

    /** The latest state of the fleet as the lookups see it. */
    interface State {
        Optional<RunSummary> lastRun(Target t);

        Optional<FleetView.Skip> lastSkip(Target t);

        /** The endpoint's guard; {@code null} when its runs are not held back. */
        FleetView.Circuit heldBack(String pool, String endpoint);

        /** Where the target's endpoint stands in its canary's comparison of replicas; empty if it never took part. */
        default Optional<FleetView.Consistency> standing(Target t) {
            return Optional.empty();
        }

        /** The endpoint's last identity change for the target's model; empty when none was seen. */
        default Optional<FleetView.IdentityChange> identityChange(Target t) {
            return Optional.empty();
        }
    }

    /** Consistency states, worst last: a cell flags the endpoint that needs attention. */
    private static final List<String> CONSISTENCY = List.of("agrees", "unknown", "diverges");
    /** A comparison canary whose endpoint has not been compared yet. */
    static final String NOT_COMPARED = "no answer compared yet";

    private FleetAssembler() {
    }

    static FleetView assemble(Catalog catalog, State state, List<SloCount> counts24h, Instant now) {
        List<FleetView.ClassView> classes = catalog.sloClasses().values().stream().map(FleetAssembler::classView)
                .toList();
        Map<String, List<FleetView.TargetState>> byCell = new LinkedHashMap<>();
        Map<String, String[]> cellNames = new LinkedHashMap<>();
        for (CanaryDefinition d : catalog.canaries()) {
            if (!d.enabled()) {
                continue;
            }
            for (Target t : catalog.targets(d)) {
                String key = String.join("\u0000", t.pool().name(), t.model(), d.sloClass());
                cellNames.putIfAbsent(key, new String[]{t.pool().name(), t.model(), d.sloClass()});
                byCell.computeIfAbsent(key, k -> new ArrayList<>()).add(targetState(t, state));
            }
        }
        List<FleetView.Cell> cells = new ArrayList<>();
        byCell.forEach((key, targets) -> {
            String[] n = cellNames.get(key);
            Pool pool = catalog.pool(n[0]).orElseThrow();
            cells.add(cell(n[0], n[1], n[2], targets, circuits(pool, state),
                    compliance(counts24h, n[0], n[1], catalog.sloClasses().get(n[2]))));
        });
        cells.sort(Comparator.comparing(FleetView.Cell::pool).thenComparing(FleetView.Cell::model)
                .thenComparing(FleetView.Cell::sloClass));
        return new FleetView(now, counts24h != null, classes, cells);
    }

    private static FleetView.TargetState targetState(Target t, State state) {
        Optional<RunSummary> last = state.lastRun(t);
        Optional<FleetView.Skip> skip = state.lastSkip(t);
        // a skip only matters while no run started after it
        boolean skippedNow = skip.isPresent()
                && (last.isEmpty() || skip.get().at().isAfter(last.get().startedAt()));
        String status = skippedNow ? "skipped" : last.map(RunSummary::outcome).orElse("none");
        FleetView.Consistency consistency = t.canary().consistency() == null ? null
                : state.standing(t).orElse(new FleetView.Consistency("unknown", NOT_COMPARED, null));
        return new FleetView.TargetState(t.canary().id(), t.endpoint().name(), status, last.orElse(null),
                skippedNow ? skip.get() : null, consistency, state.identityChange(t).orElse(null));
    }

    private static FleetView.Cell cell(String pool, String model, String sloClass, List<FleetView.TargetState> targets,
                                       List<FleetView.Circuit> circuits, FleetView.Compliance compliance) {
        FleetView.TargetState worst = targets.stream()
                .max(Comparator.<FleetView.TargetState>comparingInt(t -> SEVERITY.indexOf(t.status()))
                        .thenComparing(t -> t.last() == null ? Instant.MIN : t.last().startedAt()))
                .orElseThrow();
        String reason = worst.skipped() != null ? worst.skipped().reason()
                : worst.last() == null ? null : worst.last().reason();
        FleetView.Consistency consistency = targets.stream().map(FleetView.TargetState::consistency)
                .filter(java.util.Objects::nonNull)
                .max(Comparator.comparingInt(c -> CONSISTENCY.indexOf(c.state()))).orElse(null);
        List<String> divergent = targets.stream().filter(t -> t.consistency() != null
                && "diverges".equals(t.consistency().state())).map(FleetView.TargetState::endpoint).distinct()
                .sorted().toList();
        FleetView.IdentityChange identity = targets.stream().map(FleetView.TargetState::identityChange)
                .filter(java.util.Objects::nonNull).max(Comparator.comparing(FleetView.IdentityChange::at))
                .orElse(null);
        return new FleetView.Cell(pool, model, sloClass, worst.status(), reason, worst.last(), worst.skipped(),
                circuits, compliance, List.copyOf(targets), consistency, divergent, identity);
    }

    private static List<FleetView.Circuit> circuits(Pool pool, State state) {
        List<FleetView.Circuit> held = new ArrayList<>();
        for (Endpoint e : pool.endpoints()) {
            FleetView.Circuit c = state.heldBack(pool.name(), e.name());
            if (c != null) {
                held.add(c);
            }
        }
        return List.copyOf(held);
    }

    private static FleetView.Compliance compliance(List<SloCount> counts, String pool, String model, SloClass cls) {
        if (counts == null || cls == null) {
            return null;
        }
        return counts.stream()
                .filter(c -> c.pool().equals(pool) && c.model().equals(model) && c.sloClass().equals(cls.name())
                        && c.runs() > 0)
                .findFirst()
                .map(c -> new FleetView.Compliance("24h", c.runs(), c.good(), (double) c.good() / c.runs(),
                        cls.objective()))
                .orElse(null);
    }

    private static FleetView.ClassView classView(SloClass c) {
        var t = c.thresholds();
        return new FleetView.ClassView(c.name(), t.ttftSeconds(), t.e2eSeconds(), t.minOutputTokensPerSecond(),
                t.stallSeconds(), c.objective());
    }

    /** Newest first of two optional runs. */
    static Optional<RunSummary> newer(Optional<RunSummary> a, Optional<RunSummary> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return b.get().startedAt().isAfter(a.get().startedAt()) ? b : a;
    }

    /** A lookup of store summaries by target, built from one listing. */
    static Function<Target, Optional<RunSummary>> index(List<RunSummary> newestFirst) {
        Map<String, RunSummary> first = new LinkedHashMap<>();
        for (RunSummary r : newestFirst) {
            first.putIfAbsent(String.join("\u0000", r.canary(), r.pool(), r.endpoint(), r.model()), r);
        }
        return t -> Optional.ofNullable(first.get(String.join("\u0000", t.canary().id(), t.pool().name(),
                t.endpoint().name(), t.model())));
    }
}
