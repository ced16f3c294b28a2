package dev.llmcanary.loadprobe;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.llmcanary.loadprobe.scenario.Scenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Off-peak windows with fixed instants, around Europe/Berlin's DST changes: 2026-03-29 02:00 CET → 03:00 CEST and
 * 2026-10-25 03:00 CEST → 02:00 CET.
 */
class OffPeakWindowsTest {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Scenario.OffPeak window(String cron, Duration max) {
        return new Scenario.OffPeak(cron, UNIX.parse(cron).validate(), BERLIN, max);
    }

    static Stream<Arguments> cases() {
        Scenario.OffPeak at1 = window("0 1 * * *", Duration.ofHours(2));   // 01:00 local, two hours
        Scenario.OffPeak at4 = window("0 4 * * *", Duration.ofMinutes(30));
        return Stream.of(
                // winter: 01:00 CET = 00:00Z, window to 02:00Z
                arguments("inside, run fits", at1, "2026-03-20T00:30:00Z", Duration.ofMinutes(30), true),
                arguments("inside, run would overrun the close", at1, "2026-03-20T01:45:00Z", Duration.ofMinutes(30), false),
                arguments("ends exactly at the close", at1, "2026-03-20T01:30:00Z", Duration.ofMinutes(30), true),
                arguments("before the window", at1, "2026-03-19T23:59:00Z", Duration.ofMinutes(1), false),
                arguments("after the window", at1, "2026-03-20T02:00:00Z", Duration.ofMinutes(1), false),
                // spring forward night: 01:00 CET = 00:00Z; the window is two hours of elapsed time, to 02:00Z
                // (04:00 CEST on the wall) although the wall clock skipped 02:00-03:00
                arguments("spring-forward night, late in the window", at1, "2026-03-29T01:50:00Z", Duration.ofMinutes(10), true),
                arguments("spring-forward night, past two elapsed hours", at1, "2026-03-29T02:00:00Z", Duration.ofMinutes(1), false),
                // summer: 04:00 CEST = 02:00Z
                arguments("summer opening in UTC+2", at4, "2026-07-01T02:10:00Z", Duration.ofMinutes(20), true),
                arguments("summer: 04:00Z is 06:00 local, closed", at4, "2026-07-01T04:10:00Z", Duration.ofMinutes(5), false),
                // fall back day: 04:00 CET = 03:00Z (the hour moved)
                arguments("fall-back day opens at 03:00Z", at4, "2026-10-25T03:05:00Z", Duration.ofMinutes(20), true),
                arguments("fall-back day: 02:05Z is 03:05 local, before opening", at4, "2026-10-25T02:05:00Z", Duration.ofMinutes(5), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void startsOnlyInsideAWindowItCanFinishIn(String name, Scenario.OffPeak w, String now, Duration run, boolean startable) {
        assertThat(OffPeakWindows.startable(w, Instant.parse(now), run)).as(name).matches(o -> o.isPresent() == startable);
    }
}
