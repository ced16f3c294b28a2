package dev.llmcanary.api;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.UriInfo;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

/**
 * Names the numeric query parameter that could not be read. JAX-RS turns a failed conversion of a query parameter
 * ({@code limit=99999999999999999999}, {@code wait=abc}) into a bare 404; the API answers 400 naming the parameter.
 */
final class QueryNumbers {

    private QueryNumbers() {
    }

    /** "limit: must be a whole number, got …" for the first numeric query parameter that does not parse; else null. */
    static String unparseable(Method method, UriInfo uri) {
        if (method == null || uri == null) {
            return null;
        }
        for (Parameter p : method.getParameters()) {
            QueryParam q = p.getAnnotation(QueryParam.class);
            Class<?> type = p.getType();
            if (q == null || !(type == int.class || type == Integer.class || type == long.class || type == Long.class)) {
                continue;
            }
            String value = uri.getQueryParameters().getFirst(q.value());
            if (value == null) {
                continue;
            }
            try {
                if (type == int.class || type == Integer.class) {
                    Integer.parseInt(value.trim());
                } else {
                    Long.parseLong(value.trim());
                }
            } catch (NumberFormatException e) {
                // the value is the caller's text: keep it short and printable
                String shown = value.length() > 24 ? value.substring(0, 24) + "…" : value;
                return q.value() + ": must be a whole number, got \"" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
            }
        }
        return null;
    }
}
