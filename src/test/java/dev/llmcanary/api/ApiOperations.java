package dev.llmcanary.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every operation the API's resource classes declare, as "METHOD /path/{param}" (the OpenAPI spelling), found by
 * reflection over the compiled {@code dev.llmcanary.api} classes: the tests that must cover every operation take
 * their list from the code, so a new operation cannot slip past them.
 */
final class ApiOperations {

    private ApiOperations() {
    }

    /**
     * One operation: "METHOD /path/{param}", whether it needs a token (and only the admin one), whether it reads a
     * JSON body.
     */
    record Op(String key, boolean secured, boolean admin, boolean jsonBody) {
        @Override
        public String toString() {
            return key;
        }

        String method() {
            return key.substring(0, key.indexOf(' '));
        }

        /** Whether a concrete request path (with or without a query) is this operation's. */
        boolean matches(String method, String path) {
            String template = key.substring(key.indexOf(' ') + 1);
            StringBuilder regex = new StringBuilder();
            java.util.regex.Matcher param = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(template);
            int last = 0;
            while (param.find()) {
                regex.append(java.util.regex.Pattern.quote(template.substring(last, param.start())));
                // the report's {file} is a path of its own
                regex.append(param.group(1).equals("file") ? ".+" : "[^/]+");
                last = param.end();
            }
            regex.append(java.util.regex.Pattern.quote(template.substring(last)));
            return method().equals(method) && path.split("\\?", 2)[0].matches(regex.toString());
        }
    }

    static List<String> all() {
        return ops().stream().map(Op::key).toList();
    }

    static List<Op> ops() {
        java.util.Map<String, Op> ops = new java.util.TreeMap<>();
        for (Class<?> resource : resources()) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                String verb = verb(m);
                if (verb == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String key = verb + " " + template(base + (sub == null ? "" : "/" + sub.value()));
                jakarta.annotation.security.RolesAllowed roles =
                        m.getAnnotation(jakarta.annotation.security.RolesAllowed.class);
                boolean secured = roles != null || m.isAnnotationPresent(
                        org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement.class);
                boolean admin = roles != null && List.of(roles.value()).equals(List.of(Roles.ADMIN));
                jakarta.ws.rs.Consumes consumes = m.getAnnotation(jakarta.ws.rs.Consumes.class);
                boolean json = consumes != null && List.of(consumes.value()).contains("application/json");
                ops.merge(key, new Op(key, secured, admin, json), (a, b) -> new Op(key, a.secured || b.secured,
                        a.admin || b.admin, a.jsonBody || b.jsonBody));
            }
        }
        return new ArrayList<>(ops.values());
    }

    private static List<Class<?>> resources() {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "classes", "dev", "llmcanary", "api");
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .<Class<?>>map(n -> load("dev.llmcanary.api." + n.substring(0, n.length() - ".class".length())))
                    .filter(c -> c.isAnnotationPresent(Path.class) && c.getAnnotation(Path.class).value()
                            .startsWith("/api"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiOperations.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String verb(Method m) {
        if (m.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (m.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (m.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (m.isAnnotationPresent(DELETE.class)) {
            return "DELETE";
        }
        return null;
    }

    /** "/api/x/{file: .*}" → "/api/x/{file}"; no double or trailing slashes. */
    private static String template(String path) {
        String p = path.replaceAll("\\{\\s*(\\w+)\\s*:[^}]*}", "{$1}").replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
