package dev.llmcanary.config;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

/**
 * Parses the cron expressions of quiet windows: five fields read as Unix cron ({@code min hour dom month dow}), six
 * or seven as Quartz ({@code sec min hour dom month dow [year]}).
 */
public final class CronExpressions {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private CronExpressions() {
    }

    /** The validated expression; throws {@link IllegalArgumentException} with a one-line reason. */
    public static Cron parse(String text) {
        String trimmed = text.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        CronParser parser = switch (fields) {
            case 5 -> UNIX;
            case 6, 7 -> QUARTZ;
            default -> throw new IllegalArgumentException(
                    "expected 5 fields (Unix) or 6 to 7 fields (Quartz), got " + fields);
        };
        try {
            return parser.parse(trimmed).validate();
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            reason = reason.lines().findFirst().orElse(reason).replace("Failed to parse cron expression. ", "");
            throw new IllegalArgumentException(reason.strip(), e);
        }
    }
}
