package dev.llmcanary.canary.run;

import dev.llmcanary.stream.Rule;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.Violation;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener between the stream and the span: violation reasons cleaned, every other moment passed on. */
class CleaningListenerTest {

    @Test
    void aViolationReachesTheObserverCleaned() {
        List<Violation> seen = new ArrayList<>();
        StreamListener observer = new StreamListener() {
            @Override
            public void violation(Violation v) {
                seen.add(v);
            }
        };
        UntrustedText text = UntrustedText.of(List.of("pool-key-7d1e5b2a9c4f"), List.of());

        new CleaningListener(observer, text).violation(new Violation(Rule.STREAM_ERROR,
                "server error in stream: echo Bearer pool-key-7d1e5b2a9c4f card 4111 1111 1111 1111", 42));

        assertThat(seen).containsExactly(new Violation(Rule.STREAM_ERROR,
                "server error in stream: echo Bearer [REDACTED] card [CARD]", 42));
    }

    /** A listener method added later and not forwarded would silently lose its span events on every run. */
    @Test
    void everyListenerMethodIsForwarded() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Method m : StreamListener.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method own = CleaningListener.class.getMethod(m.getName(), m.getParameterTypes());
            if (own.getDeclaringClass() != CleaningListener.class) {
                missing.add(m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        assertThat(missing).isEmpty();
    }
}
