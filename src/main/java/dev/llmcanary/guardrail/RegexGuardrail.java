package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks the answer against a Java regular expression: {@code regex} requires a match anywhere in the answer
 * ({@link java.util.regex.Matcher#find()}), {@code not_regex} fails on any match.
 *
 * <p>The pattern is compiled once, without {@code MULTILINE} or {@code DOTALL}: {@code ^}/{@code $} anchor at the
 * ends of the whole answer and {@code .} stops at line breaks, as in most regex tools. Write {@code (?m)} or
 * {@code (?s)} in the pattern to change that. Each evaluation may read at most
 * {@code max(1,000,000, 100 × answer length)} characters, so a pathological pattern fails the check instead of
 * holding a worker thread.
 */
final class RegexGuardrail extends BaseGuardrail {

    static final String PATTERN = "pattern";
    static final long MIN_BUDGET = 1_000_000L;
    static final long BUDGET_PER_CHAR = 100L;

    private final Pattern pattern;
    private final boolean forbidden;

    private RegexGuardrail(String name, Pattern pattern, boolean forbidden) {
        super(name);
        this.pattern = pattern;
        this.forbidden = forbidden;
    }

    static Guardrail regex(String kind, JsonNode spec) throws GuardrailSpecException {
        return parse(kind, spec, false);
    }

    static Guardrail notRegex(String kind, JsonNode spec) throws GuardrailSpecException {
        return parse(kind, spec, true);
    }

    private static Guardrail parse(String kind, JsonNode spec, boolean forbidden) throws GuardrailSpecException {
        if (spec != null && spec.isTextual()) {
            return new RegexGuardrail(kind, compile(SpecValues.string(spec, "", false), false, ""), forbidden);
        }
        if (spec == null || !spec.isObject()) {
            throw new GuardrailSpecException("", "expected a string or a mapping with 'pattern'");
        }
        SpecMapping mapping = SpecMapping.of(spec, PATTERN, TextSpec.CASE_INSENSITIVE);
        String source = SpecValues.string(mapping.require(PATTERN, "expected 'pattern'"), PATTERN, false);
        Pattern pattern = compile(source, mapping.bool(TextSpec.CASE_INSENSITIVE, false), PATTERN);
        return new RegexGuardrail(mapping.name(kind), pattern, forbidden);
    }

    private static Pattern compile(String source, boolean caseInsensitive, String field) throws GuardrailSpecException {
        try {
            return Pattern.compile(source, caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (PatternSyntaxException e) {
            // getMessage() spans several lines; the description and index fit one.
            String near = e.getIndex() >= 0 ? " near index " + e.getIndex() : "";
            throw new GuardrailSpecException(field, "invalid regular expression: " + e.getDescription() + near);
        }
    }

    @Override
    String failureReason(String text, String finishReason) {
        long budget = Math.max(MIN_BUDGET, BUDGET_PER_CHAR * text.length());
        boolean found;
        try {
            found = pattern.matcher(new BudgetedCharSequence(text, budget)).find();
        } catch (BudgetedCharSequence.BudgetExceeded e) {
            return "regex evaluation exceeded its budget";
        } catch (StackOverflowError e) {
            // Deeply nested alternations recurse once per character in java.util.regex.
            return "regex evaluation exceeded the stack";
        }
        if (found == forbidden) {
            return forbidden
                    ? "answer matches forbidden pattern /" + pattern.pattern() + "/"
                    : "answer does not match pattern /" + pattern.pattern() + "/";
        }
        return null;
    }
}
