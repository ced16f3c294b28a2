package dev.llmcanary.api;

import dev.llmcanary.gate.GateRejected;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A gate that cannot start answers as a problem; a 429 says when to retry. */
public class GateProblems {

    @ServerExceptionMapper
    public Response rejected(GateRejected e) {
        Response r = ProblemMappers.respond(Problem.of(Refusals.status(e.refusal()), Refusals.title(e.refusal()),
                e.getMessage()));
        if (e.retryAfterSeconds() != null) {
            r.getHeaders().add("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        return r;
    }
}
