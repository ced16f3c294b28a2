package dev.llmcanary.api;

/**
 * Keeps exemplars only where OpenMetrics 1.0 allows them (counter {@code _total} and histogram {@code _bucket}
 * samples). The Prometheus client behind Micrometer also attaches one to histogram {@code _count} samples, and
 * Prometheus's OpenMetrics parser rejects the whole scrape for it ("metric name ..._count does not support
 * exemplars", seen with Prometheus 2.42), so every canary metric would be lost.
 */
final class OpenMetricsExemplars {

    private static final String EXEMPLAR = " # {";

    private OpenMetricsExemplars() {
    }

    /** The exposition text with exemplars removed from every sample that may not carry one. */
    static String keepAllowed(String text) {
        if (!text.contains(EXEMPLAR)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            int next = end < 0 ? text.length() : end + 1;
            int lineEnd = end < 0 ? text.length() : end;
            int exemplar = text.charAt(start) == '#' ? -1 : text.indexOf(EXEMPLAR, start);
            if (exemplar >= 0 && exemplar < lineEnd && !allowed(text, start, exemplar)) {
                out.append(text, start, exemplar).append(text, lineEnd, next);
            } else {
                out.append(text, start, next);
            }
            start = next;
        }
        return out.toString();
    }

    private static boolean allowed(String text, int lineStart, int limit) {
        int nameEnd = lineStart;
        while (nameEnd < limit && text.charAt(nameEnd) != '{' && text.charAt(nameEnd) != ' ') {
            nameEnd++;
        }
        String name = text.substring(lineStart, nameEnd);
        return name.endsWith("_bucket") || name.endsWith("_total");
    }
}
