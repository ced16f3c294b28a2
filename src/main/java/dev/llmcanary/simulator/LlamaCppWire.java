package dev.llmcanary.simulator;

/** Events of llama.cpp's native {@code /completion}: content events, then a stop event with counts and timings. */
final class LlamaCppWire implements Wire {

    private final String model;

    LlamaCppWire(String model) {
        this.model = model;
    }

    @Override
    public String idle(boolean idChanged) {
        return "{\"content\":\"\",\"stop\":false,\"id_slot\":0}";
    }

    @Override
    public String token(Piece p) {
        StringBuilder sb = new StringBuilder(128);
        Json.str(sb.append("{\"content\":"), p.text());
        return sb.append(",\"stop\":false,\"id_slot\":0,\"tokens_predicted\":").append(p.index()).append('}')
                .toString();
    }

    @Override
    public boolean finishOnLastToken() {
        return false;
    }

    @Override
    public String finish(Finish f) {
        String type = "length".equals(f.reason()) ? "limit" : f.stopMatch() != null ? "word" : "eos";
        int predicted = f.counts().completion();
        int prompt = f.counts().prompt();
        double perSecond = f.predictedMs() > 0 ? predicted * 1000.0 / f.predictedMs() : 0.0;
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"content\":\"\",\"stop\":true,\"id_slot\":0,\"model\":");
        Json.str(sb, model).append(",\"stop_type\":\"").append(type).append("\",\"stopping_word\":");
        Json.str(sb, f.stopMatch() == null ? "" : f.stopMatch());
        sb.append(",\"tokens_predicted\":").append(predicted).append(",\"tokens_evaluated\":").append(prompt)
                .append(",\"timings\":{\"prompt_n\":").append(prompt).append(",\"prompt_ms\":")
                .append(f.promptMs()).append(",\"predicted_n\":").append(predicted).append(",\"predicted_ms\":")
                .append(f.predictedMs()).append(",\"predicted_per_second\":").append(perSecond).append("}}");
        return sb.toString();
    }
}
