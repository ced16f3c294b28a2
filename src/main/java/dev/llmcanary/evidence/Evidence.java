package dev.llmcanary.evidence;

import java.util.List;

/**
 * What the target server itself reported around a failed or slow run: its figures just before the run (the newest
 * scrape, if fresh) and just after it, and a one-line hint when a known pattern matches.
 *
 * @param source what was read, e.g. {@code vllm /metrics + prometheus}
 * @param before the newest scrape taken before the run started, or {@code null} (see {@code errors})
 * @param after  a scrape taken after the stream ended, or {@code null} (see {@code errors})
 * @param hint   e.g. "TTFT over threshold while 37 requests waited in the queue and KV cache was 98 % full:
 *               saturation, not a fault", or {@code null} when no pattern matched
 * @param errors why a side or a figure is missing, e.g. "after: unavailable: timeout after 2 s"
 */
public record Evidence(String source, EvidenceFigures before, EvidenceFigures after, String hint,
                       List<String> errors) {
    public Evidence {
        errors = List.copyOf(errors);
    }
}
