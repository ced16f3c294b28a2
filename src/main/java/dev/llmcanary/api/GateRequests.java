package dev.llmcanary.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.gate.GateRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a gate request body strictly: only known fields, configured-name syntax for pools and endpoints. A body
 * that tries to name a URL, host or port ({@code url}, {@code host}, {@code baseUrl}, …) is an unknown field and is
 * rejected before anything is looked up, so no connection can follow from it.
 */
final class GateRequests {

    static final Pattern NAME = Pattern.compile(CanaryResource.NAME);
    static final Pattern GATE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    /** An identity value as runs carry it: an identifier, or the {@code sha256:} prefix of text that is none. */
    static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9_.:+/-]{1,128}");
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    private GateRequests() {
    }

    static GateRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("the body must be a JSON object");
        }
        only(body, "", ApiSchemas.fields(ApiSchemas.GateStart.class));
        String suite = name(body.get("suite"), "suite", true);
        JsonNode cand = body.get("candidate");
        if (cand == null || !cand.isObject()) {
            throw ProblemException.badRequest("candidate: required, an object {pool, endpoints?}");
        }
        only(cand, "candidate.", ApiSchemas.fields(ApiSchemas.GateCandidate.class));
        String pool = name(cand.get("pool"), "candidate.pool", true);
        List<String> endpoints = new ArrayList<>();
        JsonNode eps = cand.get("endpoints");
        if (eps != null && !eps.isNull()) {
            if (!eps.isArray()) {
                throw ProblemException.badRequest("candidate.endpoints: must be a list of endpoint names");
            }
            for (int i = 0; i < eps.size(); i++) {
                endpoints.add(name(eps.get(i), "candidate.endpoints[" + i + "]", true));
            }
        }
        GateRequest.Baseline baseline = baseline(body.get("baseline"));
        Integer reps = null;
        Integer conc = null;
        Duration deadline = null;
        JsonNode o = body.get("overrides");
        if (o != null && !o.isNull()) {
            if (!o.isObject()) {
                throw ProblemException.badRequest("overrides: must be an object {repetitions, concurrency, deadline}");
            }
            only(o, "overrides.", ApiSchemas.fields(ApiSchemas.GateOverrides.class));
            reps = positive(o.get("repetitions"), "overrides.repetitions");
            conc = positive(o.get("concurrency"), "overrides.concurrency");
            deadline = duration(o.get("deadline"), "overrides.deadline");
        }
        String key = null;
        JsonNode k = body.get("idempotencyKey");
        if (k != null && !k.isNull()) {
            if (!k.isTextual() || !KEY.matcher(k.asText()).matches()) {
                throw ProblemException.badRequest("idempotencyKey: must match " + KEY.pattern());
            }
            key = k.asText();
        }
        return new GateRequest(suite, pool, endpoints, baseline, reps, conc, deadline, key,
                identity(body.get("identity")));
    }

    /** {@code identity}: source label → identifier; the candidate flavor's sources are checked by the gate. */
    private static Map<String, String> identity(JsonNode id) {
        if (id == null || id.isNull()) {
            return Map.of();
        }
        if (!id.isObject() || id.isEmpty()) {
            throw ProblemException.badRequest("identity: must be an object of source to value, e.g."
                    + " {\"model_sha\": \"5f2b0e1c\"}");
        }
        Map<String, String> out = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = id.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (IdentitySource.fromLabel(e.getKey()).isEmpty()) {
                throw ProblemException.badRequest("identity: unknown source '" + shown(e.getKey()) + "'; one of " + java.util.Arrays.stream(IdentitySource.values()).map(IdentitySource::label)
                        .collect(java.util.stream.Collectors.joining(", ")));
            }
            if (!e.getValue().isTextual() || !IDENTITY.matcher(e.getValue().asText()).matches()) {
                throw ProblemException.badRequest("identity." + e.getKey() + ": must match " + IDENTITY.pattern());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static GateRequest.Baseline baseline(JsonNode b) {
        if (b == null || b.isNull()) {
            return GateRequest.Baseline.none();
        }
        if (!b.isObject()) {
            throw ProblemException.badRequest("baseline: must be {pool}, {gate} or {window, pool?}");
        }
        only(b, "baseline.", ApiSchemas.fields(ApiSchemas.GateBaseline.class));
        String pool = name(b.get("pool"), "baseline.pool", false);
        Duration window = duration(b.get("window"), "baseline.window");
        JsonNode g = b.get("gate");
        if (g != null && !g.isNull()) {
            if (pool != null || window != null) {
                throw ProblemException.badRequest("baseline: give either gate, or pool and/or window");
            }
            if (!g.isTextual() || !GATE_ID.matcher(g.asText()).matches()) {
                throw ProblemException.badRequest("baseline.gate: must be a gate id");
            }
            return GateRequest.Baseline.gate(g.asText());
        }
        if (window != null) {
            return GateRequest.Baseline.window(pool, window);
        }
        if (pool != null) {
            return GateRequest.Baseline.pool(pool);
        }
        throw ProblemException.badRequest("baseline: must be {pool}, {gate} or {window, pool?}");
    }

    /** The caller's text, short and printable, for a problem. */
    private static String shown(String field) {
        String s = field.length() > 40 ? field.substring(0, 40) + "…" : field;
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    static void only(JsonNode node, String prefix, List<String> allowed) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!allowed.contains(field)) {
                // the field name is the caller's text: keep it short and printable in the problem
                String shown = field.length() > 40 ? field.substring(0, 40) + "…" : field;
                throw ProblemException.badRequest("unknown field '" + prefix + shown.replaceAll("[^\\x20-\\x7e]", "?")
                        + "'; allowed: " + String.join(", ", allowed) + " (targets are configured pools and"
                        + " endpoints, named, never URLs)");
            }
        }
    }

    static String name(JsonNode n, String field, boolean required) {
        if (n == null || n.isNull()) {
            if (required) {
                throw ProblemException.badRequest(field + ": required");
            }
            return null;
        }
        if (!n.isTextual() || !NAME.matcher(n.asText()).matches()) {
            throw ProblemException.badRequest(field + ": must be a configured name (" + NAME.pattern()
                    + "), not a URL or address");
        }
        return n.asText();
    }

    private static Integer positive(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
            throw ProblemException.badRequest(field + ": must be a whole number of at least 1");
        }
        return n.asInt();
    }

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}, {@code 500ms} or a number of seconds. */
    static Duration duration(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return null;
        }
        Duration d = n.isIntegralNumber() ? Duration.ofSeconds(n.asLong()) : n.isTextual() ? parseDuration(n.asText())
                : null;
        if (d == null || d.isZero() || d.isNegative()) {
            throw ProblemException.badRequest(field + ": must be a positive duration (30s, 5m, 1h, 7d)");
        }
        return d;
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long v = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            case "d" -> Duration.ofDays(v);
            default -> Duration.ofSeconds(v);
        };
    }
}
