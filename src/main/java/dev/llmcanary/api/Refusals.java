package dev.llmcanary.api;

import dev.llmcanary.canary.Refusal;
import jakarta.ws.rs.core.Response;

/** The HTTP status and title of each {@link Refusal}: the one place a domain refusal becomes a status code. */
final class Refusals {
    private Refusals() {
    }

    static int status(Refusal r) {
        return switch (r) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNSATISFIABLE -> 422;
            case BUSY -> 429;
            case UNAVAILABLE -> 503;
            case FAILED -> 500;
        };
    }

    static String title(Refusal r) {
        int status = status(r);
        Response.Status s = Response.Status.fromStatusCode(status);
        return s != null ? s.getReasonPhrase() : status == 422 ? "Unprocessable Content"
                : status == 429 ? "Too Many Requests" : "Error";
    }
}
