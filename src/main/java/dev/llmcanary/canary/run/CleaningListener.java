package dev.llmcanary.canary.run;

import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.Violation;

/**
 * Passes stream moments on to the run's observer with every violation reason cleaned first: the span records
 * violations as they happen, before the run's result (which is cleaned too) exists, and a reason may quote the target.
 * Every {@link StreamListener} method is forwarded ({@code CleaningListenerTest} fails when one is added and not).
 */
final class CleaningListener implements StreamListener {

    private final StreamListener delegate;
    private final UntrustedText text;

    CleaningListener(StreamListener delegate, UntrustedText text) {
        this.delegate = delegate;
        this.text = text;
    }

    @Override
    public void firstToken(long atNanos) {
        delegate.firstToken(atNanos);
    }

    @Override
    public void tokensEmitted(int tokens, boolean fromUsage, long atNanos) {
        delegate.tokensEmitted(tokens, fromUsage, atNanos);
    }

    @Override
    public void stall(long gapNanos, long atNanos) {
        delegate.stall(gapNanos, atNanos);
    }

    @Override
    public void violation(Violation violation) {
        // At most one per rule and stream, so this is no per-chunk work on the event loop.
        delegate.violation(new Violation(violation.rule(), text.clean(violation.reason()), violation.atNanos()));
    }

    @Override
    public void connectRetry(int retry, String kind, long atNanos) {
        delegate.connectRetry(retry, kind, atNanos);
    }
}
