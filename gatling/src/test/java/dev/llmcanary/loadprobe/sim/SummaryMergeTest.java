package dev.llmcanary.loadprobe.sim;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Merging shard summaries is exact: the merged histogram's percentiles equal one histogram over every sample. */
class SummaryMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> roundTrip(Map<String, Object> summary) throws Exception {
        return JSON.readValue(JSON.writeValueAsString(summary), new TypeReference<>() { });
    }

    private static Map<String, Object> shard(Stats stats, double share) {
        return Map.of("scenario", "s", "pool", "p", "elapsedSeconds", 10.0, "plannedSeconds", 10.0,
                "rateShare", share, "shards", 1, "kinds", Map.of("chat", stats.toJson(10)), "steps", List.of());
    }

    @Test
    void mergedPercentilesEqualThoseOfAllSamplesTogether() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        Stats a = new Stats();
        Stats b = new Stats();
        Stats all = new Stats();
        for (int i = 0; i < 2000; i++) {
            double ttft = 0.02 + random.nextDouble() * (i % 2 == 0 ? 0.1 : 0.8);
            Stats shard = i % 2 == 0 ? a : b;
            shard.ok(ttft, ttft * 5, 16, 50);
            all.ok(ttft, ttft * 5, 16, 50);
        }
        a.error("stall");
        all.error("stall");

        Map<String, Object> merged = roundTrip(SummaryMerge.merge(List.of(roundTrip(shard(a, 0.5)),
                roundTrip(shard(b, 0.5)))));
        @SuppressWarnings("unchecked")
        Map<String, Object> chat = (Map<String, Object>) ((Map<String, Object>) merged.get("kinds")).get("chat");
        Map<String, Object> expected = roundTrip(Map.of("x", all.toJson(10)));
        @SuppressWarnings("unchecked")
        Map<String, Object> exp = (Map<String, Object>) expected.get("x");

        assertEquals(exp.get("count"), chat.get("count"));
        assertEquals(exp.get("errors"), chat.get("errors"));
        assertEquals(exp.get("ttft"), chat.get("ttft"));
        assertEquals(exp.get("e2e"), chat.get("e2e"));
        assertEquals(exp.get("achievedRate"), chat.get("achievedRate"));
        assertEquals(2, merged.get("shards"));
        assertEquals(1.0, merged.get("rateShare"));
    }
}
