package dev.llmcanary.guardrail;

/**
 * A read-only view of a string that throws once a regex engine has read more characters than its budget, which
 * is how we stop catastrophic backtracking (e.g. {@code (a+)+$}) without a thread or a timer.
 * Not thread-safe: make one per match.
 */
final class BudgetedCharSequence implements CharSequence {

    /** Thrown when the budget is spent; carries no text and no stack trace, it is control flow. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    private final String text;
    private final int start;
    private final int end;
    private final long[] remaining;

    BudgetedCharSequence(String text, long budget) {
        this(text, 0, text.length(), new long[] {budget});
    }

    // Sub-sequences share the counter so the engine cannot escape the budget by slicing.
    private BudgetedCharSequence(String text, int start, int end, long[] remaining) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.remaining = remaining;
    }

    @Override
    public int length() {
        return end - start;
    }

    @Override
    public char charAt(int index) {
        if (--remaining[0] < 0) {
            throw new BudgetExceeded();
        }
        if (index < 0 || index >= end - start) {
            throw new IndexOutOfBoundsException(index);
        }
        return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        if (from < 0 || to > length() || from > to) {
            throw new IndexOutOfBoundsException("from " + from + ", to " + to + ", length " + length());
        }
        return new BudgetedCharSequence(text, start + from, start + to, remaining);
    }

    @Override
    public String toString() {
        return text.substring(start, end);
    }
}
