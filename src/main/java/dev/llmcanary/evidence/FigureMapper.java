package dev.llmcanary.evidence;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one parsed metrics page into normalized figures with a dialect's rules (the shipped mapping with the pool's
 * overrides on top). Pure: the counters of the previous scrape come in, this scrape's go out.
 */
public final class FigureMapper {

    private final MetricsDialect dialect;
    private final Map<Figure, FigureRule> overrides;

    public FigureMapper(MetricsDialect dialect, Map<Figure, FigureRule> overrides) {
        this.dialect = dialect;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * The figures of one page.
     *
     * @param figures  by {@link Figure#id()}, in {@link Figure} order; a figure the page lacks is absent
     * @param counters the {@code (sum, count)} of each {@link FigureRule.Mean}, for the next scrape's means
     * @param dialect  the dialect applied ({@link MetricsDialect#AUTO} resolved)
     */
    public record Mapped(Map<String, Double> figures, Map<Figure, double[]> counters, MetricsDialect dialect) {
    }

    /** Every metric name this mapper may read, so the parser keeps no other sample. */
    public Set<String> names() {
        Set<String> names = new HashSet<>();
        List<MetricsDialect> dialects = dialect == MetricsDialect.AUTO ? MetricsDialect.concrete() : List.of(dialect);
        for (MetricsDialect d : dialects) {
            d.rules().values().forEach(r -> addNames(r, names));
        }
        overrides.values().forEach(r -> addNames(r, names));
        return names;
    }

    /** The prefixes the parser records, to resolve {@link MetricsDialect#AUTO}. */
    public List<String> prefixes() {
        return MetricsDialect.concrete().stream().map(MetricsDialect::prefix).toList();
    }

    /**
     * Maps {@code page}.
     *
     * @param previous the counters of the endpoint's previous successful scrape (empty for none)
     * @throws IllegalArgumentException when {@code auto} finds no known server's metrics on the page
     */
    public Mapped map(Exposition page, Map<Figure, double[]> previous) {
        MetricsDialect applied = dialect == MetricsDialect.AUTO ? detect(page) : dialect;
        EnumMap<Figure, FigureRule> rules = new EnumMap<>(Figure.class);
        rules.putAll(applied.rules());
        rules.putAll(overrides);
        Map<String, Double> figures = new LinkedHashMap<>();
        EnumMap<Figure, double[]> counters = new EnumMap<>(Figure.class);
        for (Map.Entry<Figure, FigureRule> e : rules.entrySet()) {
            Figure f = e.getKey();
            Double value;
            if (e.getValue() instanceof FigureRule.Gauge g) {
                value = gauge(page, f, g);
            } else {
                FigureRule.Mean m = (FigureRule.Mean) e.getValue();
                Double sum = page.sum(m.sum());
                Double count = page.sum(m.count());
                value = null;
                if (sum != null && count != null) {
                    counters.put(f, new double[] {sum, count});
                    value = mean(sum, count, previous.get(f), m.scale());
                }
            }
            if (value != null && !value.isNaN() && !value.isInfinite()) {
                figures.put(f.id(), value);
            }
        }
        return new Mapped(Collections.unmodifiableMap(figures), counters, applied);
    }

    private static Double gauge(Exposition page, Figure f, FigureRule.Gauge g) {
        for (String name : g.metrics()) {
            Double v = page.combined(name, f);
            if (v != null) {
                return v * g.scale();
            }
        }
        return null;
    }

    /** Since the previous scrape when the counters only grew; since the server started when they reset or are new. */
    static Double mean(double sum, double count, double[] previous, double scale) {
        if (previous != null && count >= previous[1] && sum >= previous[0]) {
            double requests = count - previous[1];
            return requests > 0 ? (sum - previous[0]) / requests * scale : null;
        }
        return count > 0 ? sum / count * scale : null;
    }

    static MetricsDialect detect(Exposition page) {
        for (MetricsDialect d : MetricsDialect.concrete()) {
            if (page.prefixesSeen().contains(d.prefix())) {
                return d;
            }
        }
        throw new IllegalArgumentException("no vllm, tgi, llamacpp or triton metrics on the page");
    }

    private static void addNames(FigureRule r, Set<String> names) {
        if (r instanceof FigureRule.Gauge g) {
            names.addAll(g.metrics());
        } else if (r instanceof FigureRule.Mean m) {
            names.add(m.sum());
            names.add(m.count());
        }
    }
}
