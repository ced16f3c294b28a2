package dev.llmcanary.api;

import java.util.List;

/** One page of {@code GET /api/runs}; pass {@code nextCursor} as {@code ?cursor=} for the next, {@code null} at the end. */
public record RunList(List<RunSummary> runs, String nextCursor) {
}
