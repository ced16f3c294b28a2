package dev.llmcanary.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.llmcanary.canary.Pool;

import java.time.Duration;
import java.time.ZoneId;

/** Quiet windows for tests, from five-field Unix cron text. */
final class Windows {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private Windows() {
    }

    static Pool.QuietWindow window(String cron, Duration duration, String zone) {
        return new Pool.QuietWindow(cron, UNIX.parse(cron), duration, ZoneId.of(zone));
    }
}
