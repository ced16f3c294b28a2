package dev.llmcanary.schedule;

import dev.llmcanary.canary.CanaryDefinition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

/**
 * A pool's canary token budget over a rolling hour. A run reserves its {@code max_tokens} when it starts (its
 * output can be no larger, and the prompt's size is unknown until the server reports usage); when it finishes the
 * reservation is corrected to the tokens it really used. Low-priority canaries stop once the hour's spending reaches
 * the budget; normal ones go on until it is {@link CanaryDefinition#NORMAL_OVERSPEND} past it. Not thread-safe:
 * {@link PoolGate} serialises access.
 */
public final class TokenBudget {

    static final Duration WINDOW = Duration.ofHours(1);

    /** Tokens charged at one instant; the amount changes once, when the run settles. */
    public static final class Charge {
        private final Instant at;
        private long tokens;

        Charge(Instant at, long tokens) {
            this.at = at;
            this.tokens = tokens;
        }
    }

    private final Clock clock;
    private final Deque<Charge> charges = new ArrayDeque<>();
    private Long perHour;

    /** @param perHour the budget, {@code null} for unlimited */
    public TokenBudget(Long perHour, Clock clock) {
        this.perHour = perHour;
        this.clock = clock;
    }

    /** Changes the budget (a reload); what was spent in the last hour still counts. */
    void limit(Long newPerHour) {
        perHour = newPerHour;
    }

    /** Whether a canary of this priority may start now. */
    public boolean allows(CanaryDefinition.Priority priority) {
        return perHour == null || spent() < ceiling(priority);
    }

    /**
     * How long until a canary of this priority may start again, as the charges of the last hour age out of the
     * window (reservations of runs in flight may still shrink sooner); {@code null} when it never can (a budget of 0).
     */
    public Duration refillAfter(CanaryDefinition.Priority priority) {
        long ceiling = ceiling(priority);
        long left = spent();
        if (left < ceiling) {
            return Duration.ZERO;
        }
        if (ceiling <= 0) {
            return null;
        }
        Instant now = clock.instant();
        for (Charge c : charges) {
            left -= c.tokens;
            if (left < ceiling) {
                return Duration.between(now, c.at.plus(WINDOW));
            }
        }
        return WINDOW;
    }

    private long ceiling(CanaryDefinition.Priority priority) {
        return priority == CanaryDefinition.Priority.LOW ? perHour
                : perHour + Math.round(perHour * CanaryDefinition.NORMAL_OVERSPEND); // whole tokens: 110, not 110.00000000000001
    }

    /** Charges {@code tokens} now, to be corrected by {@link #settle}. */
    public Charge reserve(long tokens) {
        Charge c = new Charge(clock.instant(), tokens);
        charges.addLast(c);
        return c;
    }

    /** Replaces a reservation with what the run really used. */
    public void settle(Charge charge, long usedTokens) {
        charge.tokens = usedTokens;
    }

    /** Tokens charged in the last hour, reservations included. */
    public long spent() {
        Instant cutoff = clock.instant().minus(WINDOW);
        while (!charges.isEmpty() && !charges.peekFirst().at.isAfter(cutoff)) {
            charges.removeFirst();
        }
        return charges.stream().mapToLong(c -> c.tokens).sum();
    }

    /** What is left of this hour's budget (never below 0), empty when unlimited. */
    public OptionalLong remaining() {
        return perHour == null ? OptionalLong.empty() : OptionalLong.of(Math.max(0, perHour - spent()));
    }
}
