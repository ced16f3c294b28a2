package dev.llmcanary.telemetry;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.stream.Flavor;

import java.net.URI;

/**
 * The OpenTelemetry GenAI values of a run, decided in one place for the span and the GenAI client metrics: operation,
 * provider, server address and port, and the {@code error.type} of a run that did not pass.
 */
final class GenAi {

    private GenAi() {
    }

    /** {@code gen_ai.operation.name}: {@code chat} for chat flavors, {@code text_completion} for the others. */
    static String operation(Flavor f) {
        return f.chat() ? "chat" : "text_completion";
    }

    /**
     * {@code gen_ai.provider.name}: OpenAI-compatible flavors speak the {@code openai} API whatever the server;
     * native flavors name their server.
     */
    static String provider(Flavor f) {
        return switch (f) {
            case OPENAI_CHAT, OPENAI_COMPLETIONS -> "openai";
            case TGI_GENERATE -> "tgi";
            case TRITON_GENERATE -> "triton";
            case LLAMACPP_COMPLETION -> "llama.cpp";
        };
    }

    /** {@code server.port} of a configured base URL: its port, else the scheme's. */
    static int port(URI u) {
        if (u.getPort() > 0) {
            return u.getPort();
        }
        return "https".equals(u.getScheme()) ? 443 : 80;
    }

    /**
     * {@code error.type} of a judged run that did not pass, {@code null} for a pass: a run that could not start
     * names its transport failure ({@code connection_refused}, {@code dns}, {@code tls}, {@code timeout},
     * {@code connection_closed}, {@code io}); a failed run its first stream rule ({@code stall}, {@code http_status},
     * …), else {@code slo} (a threshold missed), else {@code guardrail}.
     */
    static String errorType(RunResult r) {
        if (r.outcome() == Outcome.PASS || !r.outcome().judged()) {
            return null;
        }
        if (r.outcome() == Outcome.ERROR) {
            return r.errorKind();
        }
        if (!r.violations().isEmpty()) {
            return r.violations().get(0).rule();
        }
        return r.sloChecks().stream().anyMatch(c -> !c.passed()) ? "slo" : "guardrail";
    }
}
