package dev.llmcanary.api;

/** Thrown by resources to answer with a problem detail. */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String title;

    public ProblemException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public Problem problem() {
        return Problem.of(status, title, getMessage());
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    /** Before the first valid configuration loads there is nothing to list or run (readiness is down too). */
    public static ProblemException noConfiguration() {
        return new ProblemException(503, "Service Unavailable", "no valid configuration has loaded yet");
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }
}
