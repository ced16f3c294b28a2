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
            if (brace >= 0 && (line.indexOf(' ') < 0 || brace < line.indexOf(' '))) {
                name = line.substring(0, brace);
                int i = brace + 1;
                // key="value" pairs; values may hold '}' or ',' and escaped quotes.
                while (i < line.length() && line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String key = line.substring(i, eq).trim();
                    StringBuilder v = new StringBuilder();
                    int j = eq + 2;
                    for (; line.charAt(j) != '"'; j++) {
                        if (line.charAt(j) == '\\') {
                            j++;
                        }
                        v.append(line.charAt(j));
                    }
                    labels.put(key, v.toString());
                    i = j + 1;
                    if (i < line.length() && line.charAt(i) == ',') {
                        i++;
                    }
                }
                space = i + 1;
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
