package dev.llmcanary.schedule;

import dev.llmcanary.canary.Pool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class QuietWindowsTest {

    /** Sundays 01:00 Berlin wall-clock time, for two hours. */
    private static final Pool.QuietWindow SUNDAY_NIGHT = Windows.window("0 1 * * SUN", Duration.ofHours(2),
            "Europe/Berlin");
    /** Sundays 02:00 Berlin, for two hours (the example in the README). */
    private static final Pool.QuietWindow SUNDAY_TWO = Windows.window("0 2 * * SUN", Duration.ofHours(2),
            "Europe/Berlin");

    static Stream<Arguments> instants() {
        return Stream.of(
                // Winter (CET, UTC+1): 01:00 Berlin is 00:00 UTC.
                arguments("winter: one second before (Sat 23:59:59 UTC = Sun 00:59:59 Berlin)", SUNDAY_NIGHT,
                        "2026-01-03T23:59:59Z", false),
                arguments("winter: exactly at the opening", SUNDAY_NIGHT, "2026-01-04T00:00:00Z", true),
                arguments("winter: inside", SUNDAY_NIGHT, "2026-01-04T01:30:00Z", true),
                arguments("winter: at the end (exclusive)", SUNDAY_NIGHT, "2026-01-04T02:00:00Z", false),
                arguments("winter: cron read in Berlin, not UTC (01:30 UTC Sunday is inside, 01:00 UTC would be"
                        + " the UTC opening)", SUNDAY_TWO, "2026-01-04T01:30:00Z", true),
                arguments("winter: 02:30 UTC is 03:30 Berlin, inside", SUNDAY_TWO, "2026-01-04T02:30:00Z", true),
                arguments("winter: 03:00 UTC is 04:00 Berlin, over", SUNDAY_TWO, "2026-01-04T03:00:00Z", false),
                arguments("winter: a Monday is quiet-free", SUNDAY_NIGHT, "2026-01-05T00:30:00Z", false),
                // Spring forward on 2026-03-29: 02:00 CET jumps to 03:00 CEST. 01:00 CET is 00:00 UTC; two hours
                // of elapsed time end at 02:00 UTC = 04:00 CEST.
                arguments("spring DST: opened at 01:00 CET", SUNDAY_NIGHT, "2026-03-29T00:00:00Z", true),
                arguments("spring DST: 03:30 CEST is still inside (elapsed time)", SUNDAY_NIGHT,
                        "2026-03-29T01:30:00Z", true),
                arguments("spring DST: 04:00 CEST is over", SUNDAY_NIGHT, "2026-03-29T02:00:00Z", false),
                // Summer (CEST, UTC+2): 01:00 Berlin is 23:00 UTC on Saturday.
                arguments("summer: Saturday 23:30 UTC is Sunday 01:30 Berlin", SUNDAY_NIGHT,
                        "2026-04-04T23:30:00Z", true),
                arguments("summer: Sunday 00:59 UTC is 02:59 Berlin, over", SUNDAY_NIGHT, "2026-04-05T01:00:00Z",
                        false),
                // Fall back on 2026-10-25: 03:00 CEST goes back to 02:00 CET. 01:00 CEST is 23:00 UTC Saturday.
                arguments("autumn DST: opened at 01:00 CEST", SUNDAY_NIGHT, "2026-10-24T23:00:00Z", true),
                arguments("autumn DST: first 02:30 (CEST) is inside", SUNDAY_NIGHT, "2026-10-25T00:30:00Z", true),
                arguments("autumn DST: second 02:30 (CET) is after two elapsed hours", SUNDAY_NIGHT,
                        "2026-10-25T01:30:00Z", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instants")
    void aTickIsQuietInsideAWindowByTheFixedClock(String name, Pool.QuietWindow window, String now,
                                                    boolean quiet) {
        Clock fixed = Clock.fixed(Instant.parse(now), ZoneOffset.UTC);

        assertThat(new QuietWindows(List.of(window), fixed).quietNow()).isEqualTo(quiet);
    }

    static Stream<Arguments> several() {
        return Stream.of(
                arguments("no windows", List.of(), false),
                arguments("the second of two windows", List.of(
                        Windows.window("0 12 * * *", Duration.ofMinutes(30), "UTC"),
                        Windows.window("0 9 * * *", Duration.ofHours(1), "UTC")), true),
                arguments("neither of two windows", List.of(
                        Windows.window("0 12 * * *", Duration.ofMinutes(30), "UTC"),
                        Windows.window("0 8 * * *", Duration.ofHours(1), "UTC")), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("several")
    void anyWindowMakesItQuiet(String name, List<Pool.QuietWindow> windows, boolean quiet) {
        Clock fixed = Clock.fixed(Instant.parse("2026-06-10T09:15:00Z"), ZoneOffset.UTC);

        assertThat(new QuietWindows(windows, fixed).quietNow()).isEqualTo(quiet);
    }
}
