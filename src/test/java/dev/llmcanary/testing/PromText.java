package dev.llmcanary.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads Prometheus text exposition into samples, so tests assert names, labels and values, not formatting. */
public final class PromText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private PromText() {
    }

    public static List<Sample> parse(String body) {
        List<Sample> samples = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space;
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < line.indexOf(' ')) {
                name = line.substring(0, brace);
                int close = line.indexOf('}', brace);
                for (String pair : line.substring(brace + 1, close).split(",(?=[a-zA-Z_]+=\")")) {
                    if (pair.isBlank()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String v = pair.substring(eq + 1).trim();
                    if (v.endsWith(",")) {
                        v = v.substring(0, v.length() - 1);
                    }
                    labels.put(pair.substring(0, eq).trim(), v.substring(1, v.length() - 1));
                }
                space = close + 1;
            } else {
                space = line.indexOf(' ');
                name = line.substring(0, space);
            }
            String[] rest = line.substring(space).trim().split("\\s+");
            samples.add(new Sample(name, labels, Double.parseDouble(rest[0])));
        }
        return samples;
    }

    /** The first sample with this name whose labels include all the given pairs ({@code k1, v1, k2, v2, …}). */
    public static Optional<Sample> find(List<Sample> samples, String name, String... labelPairs) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!labelPairs[i + 1].equals(s.labels().get(labelPairs[i]))) {
                    return false;
                }
            }
            return true;
        }).findFirst();
    }
}
