package dev.llmcanary.simulator;

import java.util.Locale;

/** The real inference server whose stream quirks the simulator reproduces. */
public enum Dialect {
    OPENAI("openai"),
    VLLM("vllm"),
    TGI_2("tgi-2"),
    TGI_3("tgi-3"),
    LLAMACPP("llamacpp"),
    TRITON_CUMULATIVE("triton-cumulative"),
    SGLANG("sglang"),
    OLLAMA("ollama");

    private final String wireName;

    Dialect(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Dialect parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (d.wireName.equals(wanted)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dialect '" + text + "'");
    }
}
