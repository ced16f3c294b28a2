package dev.llmcanary.loadprobe.sim;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the {@code summary.json} of several shards (pods of a Kubernetes indexed Job, each injecting rate / N) into
 * one summary. Exact: counts and errors add, latency histograms add bucket by bucket, so merged percentiles equal
 * those of one histogram over every stream; rates add (each shard's achieved rate is its share).
 *
 * <pre>java -cp 'classes:lib/*' dev.llmcanary.loadprobe.sim.SummaryMerge merged.json shard-0.json shard-1.json ...</pre>
 */
public final class SummaryMerge {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private SummaryMerge() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SummaryMerge <merged.json> <shard.json>...");
            System.exit(2);
        }
        List<Map<String, Object>> shards = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            shards.add(JSON.readValue(Path.of(args[i]).toFile(), MAP));
        }
        JSON.writeValue(Path.of(args[0]).toFile(), merge(shards));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(List<Map<String, Object>> shards) {
        Map<String, Object> first = shards.get(0);
        double elapsed = 0;
        double planned = ((Number) first.get("plannedSeconds")).doubleValue();
        String aborted = null;
        double share = 0;
        Map<String, Stats> kinds = new LinkedHashMap<>();
        List<Stats> steps = new ArrayList<>();
        List<Object> stepRates = new ArrayList<>();
        for (Map<String, Object> s : shards) {
            elapsed = Math.max(elapsed, ((Number) s.get("elapsedSeconds")).doubleValue());
            share += ((Number) s.get("rateShare")).doubleValue();
            if (aborted == null && s.get("aborted") != null) {
                aborted = (String) s.get("aborted");
            }
            ((Map<String, Map<String, Object>>) s.get("kinds")).forEach((kind, stats) ->
                    kinds.computeIfAbsent(kind, k -> new Stats()).merge(Stats.fromJson(stats)));
            List<Map<String, Object>> st = (List<Map<String, Object>>) s.get("steps");
            for (int i = 0; i < st.size(); i++) {
                if (steps.size() <= i) {
                    steps.add(new Stats());
                    stepRates.add(st.get(i).get("rate"));
                }
                steps.get(i).merge(Stats.fromJson(st.get(i)));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>(first);
        out.put("elapsedSeconds", elapsed);
        out.put("rateShare", share);
        out.put("shards", shards.size());
        out.put("aborted", aborted);
        double window = Math.min(elapsed, planned);
        Map<String, Object> k = new LinkedHashMap<>();
        kinds.forEach((name, stats) -> k.put(name, stats.toJson(window)));
        out.put("kinds", k);
        List<Map<String, Object>> stepJson = new ArrayList<>();
        List<Map<String, Object>> firstSteps = (List<Map<String, Object>>) first.get("steps");
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", i);
            m.put("rate", stepRates.get(i));
            double stepSeconds = firstSteps.size() > i && firstSteps.get(i).get("count") != null
                    ? planned / steps.size() : planned;
            m.putAll(steps.get(i).toJson(stepSeconds));
            stepJson.add(m);
        }
        out.put("steps", stepJson);
        return out;
    }
}
