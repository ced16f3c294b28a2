package dev.llmcanary.client;

/** Builds request URLs from an endpoint's configured base URL, shared by every client of the package. */
final class Urls {

    private Urls() {
    }

    /** Appends {@code path} to the base URL, keeping any path prefix of the base (a gateway route). */
    static String join(String base, String path) {
        int end = base.length();
        while (end > 0 && base.charAt(end - 1) == '/') {
            end--;
        }
        return base.substring(0, end) + path;
    }
}
