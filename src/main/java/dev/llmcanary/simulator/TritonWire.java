package dev.llmcanary.simulator;

/** Events of Triton's {@code generate_stream}: delta or cumulative text_output, no finish, no [DONE]. */
final class TritonWire implements Wire {

    private final String model;
    private final boolean cumulative;

    TritonWire(String model, boolean cumulative) {
        this.model = model;
        this.cumulative = cumulative;
    }

    @Override
    public String idle(boolean idChanged) {
        StringBuilder sb = new StringBuilder(64);
        Json.str(sb.append("{\"model_name\":"), model).append(",\"model_version\":\"1\",\"text_output\":");
        // a cumulative server repeats what it has; an empty delta says the same: nothing new
        return sb.append(cumulative ? "null" : "\"\"").append('}').toString();
    }

    @Override
    public String token(Piece p) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"model_name\":");
        Json.str(sb, model).append(",\"model_version\":\"1\",\"sequence_index\":").append(p.index())
                .append(",\"text_output\":");
        return Json.str(sb, cumulative ? p.soFar() : p.text()).append('}').toString();
    }
}
