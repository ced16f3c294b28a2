package dev.llmcanary.simulator;

/** The inference routes the simulator serves; each has its own wire format. */
enum Route {
    CHAT("/v1/chat/completions"),
    COMPLETIONS("/v1/completions"),
    TGI("/generate_stream"),
    TRITON("/v2/models/{model}/generate_stream"),
    LLAMACPP("/completion");

    private final String path;

    Route(String path) {
        this.path = path;
    }

    String path() {
        return path;
    }

    boolean openAi() {
        return this == CHAT || this == COMPLETIONS;
    }
}
