package dev.llmcanary.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/** Every error of the API leaves as {@code application/problem+json} with a status and a human detail. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        String detail = status == 404 ? "no such resource" : e.getMessage();
        return respond(Problem.of(status, title, detail));
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + ": " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
        return respond(Problem.of(400, "Bad Request", detail));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(Problem.of(400, "Bad Request", "malformed JSON body"));
    }

    /**
     * An on-demand trigger a pool's limits refuse: 429 with an estimated {@code Retry-After} while asking again can
     * succeed, 409 when the pool as configured never admits it.
     */
    @ServerExceptionMapper
    public Response refused(dev.llmcanary.boot.schedule.OnDemandRuns.Refused e) {
        if (e.retryAfter() == null) {
            return respond(Problem.of(409, "Conflict", e.getMessage()));
        }
        Response r = respond(Problem.of(429, "Too Many Requests", e.getMessage() + "; nothing was started"));
        long millis = e.retryAfter().toMillis();
        r.getHeaders().add("Retry-After", String.valueOf(Math.max(1, (millis + 999) / 1000)));
        return r;
    }

    /** The result queue is full: the service is saturated, the caller may retry later. */
    @ServerExceptionMapper
    public Response overloaded(java.util.concurrent.RejectedExecutionException e) {
        Response r = respond(Problem.of(503, "Service Unavailable", "too many runs in progress; retry later"));
        r.getHeaders().add("Retry-After", "5");
        return r;
    }

    /** Anything unexpected still answers as a problem, without internals (they go to the log). */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.errorf("unexpected error answering a request: %s", e.toString());
        return respond(Problem.of(500, "Internal Server Error", "unexpected error; see the service log"));
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ProblemMappers.class);

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
