package dev.llmcanary.api;

import jakarta.ws.rs.container.ResourceInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/** Every error of the API leaves as {@code application/problem+json} with a status and a human detail. */
public class ProblemMappers {

    private final TokenAuthentication tokens;

    public ProblemMappers(TokenAuthentication tokens) {
        this.tokens = tokens;
    }

    /** No bearer token on an operation that needs one; or none is configured, so that permission is off. */
    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.UnauthorizedException e, ResourceInfo info) {
        return refuse(info);
    }

    /** A bearer token that matches no configured token. */
    @ServerExceptionMapper
    public Response wrongToken(io.quarkus.security.AuthenticationFailedException e, ResourceInfo info) {
        return refuse(info);
    }

    /** Authenticated, but the token's role is not enough (the trigger token on a load-probe operation). */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e, ResourceInfo info) {
        return respond(Problem.of(403, "Forbidden", Roles.ADMIN.equals(required(info))
                ? "load probes need the admin token; the trigger token only runs canaries"
                : "this operation needs another token"));
    }

    private Response refuse(ResourceInfo info) {
        boolean admin = Roles.ADMIN.equals(required(info));
        if (admin ? !tokens.configured(Roles.ADMIN) : !tokens.configured(Roles.TRIGGER)
                && !tokens.configured(Roles.ADMIN)) {
            return respond(Problem.of(403, "Forbidden", admin
                    ? "load probes are disabled: no admin token is configured (set LLM_CANARY_ADMIN_TOKEN)"
                    : "triggering runs is disabled: no API token is configured (set LLM_CANARY_API_TOKEN)"));
        }
        Response r = respond(Problem.of(401, "Unauthorized", admin
                ? "a valid admin bearer token is required for load probes"
                : "a valid bearer token is required to trigger runs"));
        r.getHeaders().add(jakarta.ws.rs.core.HttpHeaders.WWW_AUTHENTICATE, TokenAuthentication.REALM);
        return r;
    }

    /** The role the refused operation asks for ({@link Roles#TRIGGER} unless it names admin). */
    private static String required(ResourceInfo info) {
        jakarta.annotation.security.RolesAllowed roles = info == null || info.getResourceMethod() == null ? null
                : info.getResourceMethod().getAnnotation(jakarta.annotation.security.RolesAllowed.class);
        return roles != null && java.util.Arrays.asList(roles.value()).contains(Roles.ADMIN)
                && !java.util.Arrays.asList(roles.value()).contains(Roles.TRIGGER) ? Roles.ADMIN : Roles.TRIGGER;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response r = respond(e.problem());
        if (r.getStatus() == 401) {
            // RFC 9110: every 401 names its scheme (the Flagger webhook checks its token by hand)
            r.getHeaders().add(jakarta.ws.rs.core.HttpHeaders.WWW_AUTHENTICATE, TokenAuthentication.REALM);
        }
        return r;
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, ResourceInfo info, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status == 404 && info != null && info.getResourceMethod() != null) {
            // A matched operation answering a bare 404 means a query or path parameter did not convert (JAX-RS
            // says 404 for that); the resources' own "not found" answers are ProblemExceptions. Say which one.
            String bad = QueryNumbers.unparseable(info.getResourceMethod(), uri);
            return respond(Problem.of(400, "Bad Request", bad != null ? bad
                    : "a parameter of this request could not be read"));
        }
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        String detail = switch (status) {
            case 400 -> malformedJson(e) ? "malformed JSON body" : e.getMessage();
            case 404 -> "no such resource";
            case 405 -> "this method is not allowed here";
            case 406 -> "no representation matches the Accept header";
            case 415 -> "unsupported Content-Type; send application/json";
            default -> e.getMessage();
        };
        return respond(Problem.of(status, title, detail));
    }

    /** A JSON body the framework could not read (a typed body parameter): the same answer as a hand-read one. */
    private static boolean malformedJson(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    /**
     * An on-demand run asked for while the service shuts down (a rolling update): another replica can take it, so
     * 503 with a short Retry-After rather than a 500.
     */
    @ServerExceptionMapper
    public Response shuttingDown(dev.llmcanary.canary.run.ShuttingDownException e) {
        Response r = respond(Problem.of(503, "Service Unavailable", e.getMessage() + "; retry (another replica"
                + " can take it)"));
        r.getHeaders().add("Retry-After", "5");
        return r;
    }

    /** A failed asynchronous answer whose cause has a mapping of its own (a shutdown during an on-demand run). */
    @ServerExceptionMapper
    public Response completion(java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof dev.llmcanary.canary.run.ShuttingDownException s) {
            return shuttingDown(s);
        }
        return unexpected(e);
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
