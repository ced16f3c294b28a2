package dev.llmcanary.api;

import dev.llmcanary.canary.run.ShuttingDownException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The mappers for failures the HTTP tests cannot provoke on demand (a shutdown under way, a failed asynchronous
 * answer): each is a problem with the status a caller can act on, and nothing of the cause's internals.
 */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers(null);

    static Stream<Arguments> failures() {
        Function<ProblemMappers, Response> shutdown = m -> m.shuttingDown(new ShuttingDownException());
        Function<ProblemMappers, Response> asyncShutdown = m -> m.completion(new CompletionException(
                new ShuttingDownException()));
        Function<ProblemMappers, Response> asyncOther = m -> m.completion(new CompletionException(
                new IllegalStateException("connection pool /10.0.0.7:5432 exhausted")));
        Function<ProblemMappers, Response> handWritten401 = m -> m.problem(new ProblemException(401, "Unauthorized",
                "a valid bearer token (or metadata.token) is required to trigger gates"));
        return Stream.of(
                arguments("a run asked for during shutdown: 503, retry soon (another replica)", shutdown, 503,
                        "llm-canary is shutting down; no new run starts; retry (another replica can take it)", "5",
                        null),
                arguments("the same, failing an asynchronous answer", asyncShutdown, 503,
                        "llm-canary is shutting down; no new run starts; retry (another replica can take it)", "5",
                        null),
                arguments("any other asynchronous failure: 500 without internals", asyncOther, 500,
                        "unexpected error; see the service log", null, null),
                arguments("a hand-checked token's 401 names its scheme", handWritten401, 401,
                        "a valid bearer token (or metadata.token) is required to trigger gates", null,
                        TokenAuthentication.REALM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void answersWithAProblem(String name, Function<ProblemMappers, Response> failure, int status, String detail,
                             String retryAfter, String challenge) {
        Response r = failure.apply(mappers);
        assertThat(r.getStatus()).isEqualTo(status);
        assertThat(r.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        Problem p = (Problem) r.getEntity();
        assertThat(p.status()).isEqualTo(status);
        assertThat(p.type()).isEqualTo("about:blank");
        assertThat(p.detail()).isEqualTo(detail);
        assertThat(r.getHeaderString("Retry-After")).isEqualTo(retryAfter);
        assertThat(r.getHeaderString("WWW-Authenticate")).isEqualTo(challenge);
    }
}
