package dev.llmcanary.guardrail;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts likely personal data in a text: e-mail addresses, phone numbers (North-American and E.164), US social
 * security numbers and Luhn-valid payment card numbers. It only counts; it never keeps the values.
 *
 * <p>The patterns are anchored on boundaries and use possessive quantifiers where a run cannot be given back, so
 * a scan stays linear in the text length. A span claimed by one kind is not counted again by a later kind
 * (e.g. the digits of a card are not also a phone number).
 */
final class PiiScanner {

    // Local part starts at a boundary so a long run of word characters is scanned once, not once per position.
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@(?:[A-Za-z0-9-]++\\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])");

    // 13-19 digits, optionally grouped with single spaces or dashes; longer digit runs are not cards.
    private static final Pattern CARD = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?!\\d)");

    private static final Pattern SSN = Pattern.compile("(?<![\\d-])(\\d{3})-(\\d{2})-(\\d{4})(?![\\d-])");

    // E.164 with optional grouping: + country code, then 2-5 digit groups; the digit count is checked in code.
    private static final Pattern PHONE_INTERNATIONAL = Pattern.compile(
            "(?<![\\w+])\\+[1-9]\\d{0,2}(?:[ .-]?\\d{1,4}){2,5}(?![\\d])");

    // NANP without a leading +: 555-867-5309, (555) 867-5309, 1-555-867-5309. Separators are required so that
    // plain ten-digit identifiers are not taken for phone numbers.
    private static final Pattern PHONE_NANP = Pattern.compile(
            "(?<![\\w+(-])(?:1[ .-])?(?:\\([2-9]\\d{2}\\) ?|[2-9]\\d{2}[ .-])[2-9]\\d{2}[ .-]\\d{4}(?![\\d-])");

    private PiiScanner() {
    }

    /** One piece of PII found in a text: its kind and where it is. */
    record Found(PiiKind kind, int start, int end) {
    }

    /** How many of each kind the text contains; every kind is scanned so overlaps resolve the same way. */
    static Map<PiiKind, Integer> scan(String text) {
        Map<PiiKind, Integer> counts = new EnumMap<>(PiiKind.class);
        for (Found f : find(text)) {
            counts.merge(f.kind(), 1, Integer::sum);
        }
        return counts;
    }

    /** Every piece of PII in the text, in the order the kinds are scanned (not by position). */
    static List<Found> find(String text) {
        List<Found> found = new ArrayList<>();
        collect(text, EMAIL, PiiKind.EMAIL, found);
        // A leading + is a stronger signal than a checksum, so international numbers claim their digits first.
        collect(text, PHONE_INTERNATIONAL, PiiKind.PHONE, found);
        collect(text, CARD, PiiKind.CARD, found);
        collect(text, SSN, PiiKind.SSN, found);
        collect(text, PHONE_NANP, PiiKind.PHONE, found);
        return found;
    }

    private static void collect(String text, Pattern pattern, PiiKind kind, List<Found> found) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (!overlaps(found, m.start(), m.end()) && accepts(kind, m)) {
                found.add(new Found(kind, m.start(), m.end()));
            }
        }
    }

    private static boolean accepts(PiiKind kind, Matcher m) {
        return switch (kind) {
            case CARD -> luhnValid(digits(m.group()));
            case SSN -> validSsn(m.group(1), m.group(2), m.group(3));
            case PHONE -> m.group().startsWith("+") ? e164Length(digits(m.group()).length()) : true;
            case EMAIL -> true;
        };
    }

    private static boolean overlaps(List<Found> found, int start, int end) {
        for (Found f : found) {
            if (start < f.end() && f.start() < end) {
                return true;
            }
        }
        return false;
    }

    private static boolean e164Length(int digits) {
        return digits >= 8 && digits <= 15;
    }

    /** SSA never issues area 000, 666 or 900-999, group 00 or serial 0000, so those are examples, not people. */
    static boolean validSsn(String area, String group, String serial) {
        return !area.equals("000") && !area.equals("666") && area.charAt(0) != '9'
                && !group.equals("00") && !serial.equals("0000");
    }

    /** The Luhn checksum of a digit string, as used by every major card network. */
    static boolean luhnValid(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    private static String digits(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.toString();
    }
}
