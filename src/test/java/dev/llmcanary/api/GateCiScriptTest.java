package dev.llmcanary.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code deploy/cd/llm-canary-gate.sh} against the running test service: one exit code per verdict. */
@QuarkusTest
@TestProfile(GateProfile.class)
class GateCiScriptTest {

    @TestHTTPResource("/")
    URL service;

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("pass exits 0", List.of("--suite", "quick", "--pool", "gate-a", "--baseline-pool", "gate-b"),
                        "test-token", null, 0, "verdict: pass"),
                arguments("fail exits 1", List.of("--suite", "broken", "--pool", "gate-a"), "test-token", null, 1,
                        "fail  guardrail_pass_rate"),
                arguments("inconclusive exits 2", List.of("--suite", "few", "--pool", "gate-a"), "test-token", null, 2,
                        "verdict: inconclusive"),
                arguments("still running after --wait exits 2", List.of("--suite", "slow", "--pool", "gate-d",
                        "--wait", "1"), "test-token", null, 2, "still running after 1s"),
                arguments("unknown suite exits 3", List.of("--suite", "nope", "--pool", "gate-a"), "test-token", null,
                        3, "HTTP 400"),
                arguments("wrong token exits 3", List.of("--suite", "quick", "--pool", "gate-a"), "wrong", null, 3,
                        "HTTP 401"),
                arguments("a URL as the pool is a usage error", List.of("--pool", "http://10.0.0.1"), "test-token",
                        null, 3, "--pool must be a configured pool name"),
                arguments("unreachable service exits 3", List.of("--suite", "quick", "--pool", "gate-a"), "test-token",
                        "http://127.0.0.1:1", 3, "cannot reach"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exitCodeFollowsTheVerdict(String name, List<String> args, String token, String url, int exit, String output)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "deploy/cd/llm-canary-gate.sh"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        String base = service.toString().replaceAll("/$", "");
        pb.environment().put("LLM_CANARY_URL", url == null ? base : url);
        pb.environment().put("LLM_CANARY_TOKEN", token);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isEqualTo(exit);
        assertThat(out).contains(output);
    }
}
