package dev.llmcanary.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The resources' settings hold both bearer tokens: their text (a log line, a debugger) must never show them. */
class ApiSettingsTest {

    @Test
    void itsTextSaysWhichTokensAreSetButNeverShowsThem() {
        ApiSettings s = new ApiSettings(Optional.of("trigger-secret-1"), Optional.of("admin-secret-2"), 16,
                Duration.ofMinutes(10), Duration.ofSeconds(25), Optional.empty(), Duration.ofSeconds(5), false);

        assertThat(s.toString()).doesNotContain("trigger-secret-1").doesNotContain("admin-secret-2")
                .contains("triggerToken=(set)", "adminToken=(set)", "maxTargetsPerTrigger=16");
        assertThat(new ApiSettings(Optional.empty(), Optional.empty(), 16, Duration.ofMinutes(10),
                Duration.ofSeconds(25), Optional.empty(), Duration.ofSeconds(5), false).toString())
                .contains("triggerToken=(unset)", "adminToken=(unset)");
    }
}
