package dev.llmcanary.store;

import java.util.List;

/** One page of stored runs, newest first; {@code next} is absent on the last page. */
public record RunPage(List<StoredRun> runs, Cursor next) {
}
