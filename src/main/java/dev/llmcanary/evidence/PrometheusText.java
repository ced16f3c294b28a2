package dev.llmcanary.evidence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A small, bounded parser of the Prometheus text exposition format (0.0.4, and the sample lines of OpenMetrics):
 * {@code # TYPE} lines, samples with optional labels and timestamp, {@code NaN}/{@code +Inf}. It keeps only the
 * samples the caller asks for, refuses pages over a series cap, and skips lines it does not understand rather than
 * failing the page, because a server's one odd line must not hide its queue length.
 */
public final class PrometheusText {

    /** The most series one page may have: a scrape that big is not a server's own metrics page. */
    public static final int DEFAULT_MAX_SERIES = 20_000;

    private final int maxSeries;

    public PrometheusText(int maxSeries) {
        this.maxSeries = maxSeries;
    }

    /** Thrown when a page exceeds the series cap; the message is a reason for the evidence. */
    public static final class TooLarge extends Exception {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses {@code text}.
     *
     * @param keep     which metric names to keep samples of
     * @param prefixes name prefixes whose presence is recorded (to recognize a server's dialect)
     */
    public Exposition parse(CharSequence text, Predicate<String> keep, Collection<String> prefixes) throws TooLarge {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int series = 0;
        int skipped = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = i;
            while (end < n && text.charAt(end) != '\n') {
                end++;
            }
            int lineEnd = end > i && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = text.subSequence(i, lineEnd).toString().strip();
            i = end + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == '#') {
                typeLine(line, keep, types);
                continue;
            }
            Sample s = sample(line);
            if (s == null) {
                skipped++;
                continue;
            }
            if (++series > maxSeries) {
                throw new TooLarge("metrics page has over " + maxSeries + " series");
            }
            for (String p : prefixes) {
                if (s.name().startsWith(p)) {
                    seen.add(p);
                }
            }
            if (keep.test(s.name())) {
                samples.add(s);
            }
        }
        return new Exposition(samples, types, seen, Math.min(series, maxSeries), skipped);
    }

    private static void typeLine(String line, Predicate<String> keep, Map<String, String> types) {
        String[] parts = line.split("\\s+");
        if (parts.length >= 4 && parts[0].equals("#") && parts[1].equals("TYPE") && keep.test(parts[2])) {
            types.put(parts[2], parts[3]);
        }
    }

    /** One sample line, or {@code null} when malformed. */
    private static Sample sample(String line) {
        int i = 0;
        int n = line.length();
        if (!nameStart(line.charAt(0))) {
            return null;
        }
        while (i < n && nameChar(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = Map.of();
        if (i < n && line.charAt(i) == '{') {
            LinkedHashMap<String, String> parsed = new LinkedHashMap<>();
            i = labels(line, i + 1, parsed);
            if (i < 0) {
                return null;
            }
            labels = parsed;
        }
        if (i >= n || !Character.isWhitespace(line.charAt(i))) {
            return null;
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length > 2) {
            return null;
        }
        Double value = value(rest[0]);
        if (value == null || rest.length == 2 && value(rest[1]) == null) {
            return null;
        }
        return new Sample(name, labels, value);
    }

    /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after '}' or -1 when malformed. */
    private static int labels(String line, int i, Map<String, String> out) {
        int n = line.length();
        while (true) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '}') {
                return i + 1;
            }
            int start = i;
            while (i < n && nameChar(line.charAt(i)) && line.charAt(i) != ':') {
                i++;
            }
            if (i == start || i >= n || line.charAt(i) != '=' || i + 1 >= n || line.charAt(i + 1) != '"') {
                return -1;
            }
            String key = line.substring(start, i);
            i += 2;
            StringBuilder v = new StringBuilder();
            while (i < n && line.charAt(i) != '"') {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < n) {
                    char e = line.charAt(++i);
                    v.append(e == 'n' ? '\n' : e);
                } else {
                    v.append(c);
                }
                i++;
            }
            if (i >= n) {
                return -1;
            }
            out.put(key, v.toString());
            i++;
            if (i < n && line.charAt(i) == ',') {
                i++;
            }
        }
    }

    private static Double value(String text) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (text.isEmpty() || !(Character.isDigit(text.charAt(0)) || text.charAt(0) == '-'
                || text.charAt(0) == '+' || text.charAt(0) == '.')) {
            return null;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean nameStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    private static boolean nameChar(char c) {
        return nameStart(c) || c >= '0' && c <= '9';
    }
}
