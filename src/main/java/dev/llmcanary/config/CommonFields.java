package dev.llmcanary.config;

import com.cronutils.model.Cron;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Field formats that several configuration files share (names, URLs, cron expressions, time zones), read the same way
 * and reported with the same message wherever they appear.
 */
public final class CommonFields {

    /** Names of SLO classes, pools, endpoints, canaries, gate suites and scenarios. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** The time zone of a cron window that names none. */
    public static final ZoneId DEFAULT_TIME_ZONE = ZoneOffset.UTC;

    private CommonFields() {
    }

    /** The parsed {@code cron} field (its text given), or {@code null} with an error. */
    public static Cron cron(Fields w, String expression) {
        if (expression == null) {
            return null;
        }
        try {
            return CronExpressions.parse(expression);
        } catch (IllegalArgumentException e) {
            w.error("cron", "invalid cron expression \"" + expression + "\": " + e.getMessage());
            return null;
        }
    }

    /** The {@code time_zone} field, UTC when absent, or {@code null} with an error. */
    public static ZoneId timeZone(Fields w) {
        String id = w.string("time_zone");
        if (id == null) {
            return w.has("time_zone") ? null : DEFAULT_TIME_ZONE;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            w.error("time_zone", "unknown time zone \"" + id + "\"; use a region such as Europe/Berlin or an offset"
                    + " such as +01:00");
            return null;
        }
    }

    /** The {@code url} field as an http(s) URL, or {@code null} with an error that never echoes it. */
    public static URI url(Fields e) {
        String text = e.requiredString("url");
        if (text == null) {
            return null;
        }
        String problem;
        URI uri = null;
        try {
            uri = new URI(text);
            problem = urlProblem(uri);
        } catch (URISyntaxException ex) {
            problem = "not a URL";
        }
        if (problem != null) {
            // The URL itself is not echoed: a query or user info may carry a credential.
            e.error("url", "invalid URL: " + problem);
            return null;
        }
        return uri;
    }

    /** What is wrong with {@code uri} as an endpoint URL, or {@code null} when nothing is. */
    public static String urlProblem(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must start with http:// or https://";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not contain user info (use api_key_env for credentials)";
        }
        if (uri.getHost() == null) {
            return "has no host";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "must not have a query or fragment";
        }
        return null;
    }
}
