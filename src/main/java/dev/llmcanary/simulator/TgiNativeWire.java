package dev.llmcanary.simulator;

/** Events of TGI's native {@code /generate_stream}: one token per event, the full text on the last one. */
final class TgiNativeWire implements Wire {

    private final String prefix;
    private final Long seed;

    /** @param seed the request's seed as TGI echoes it in details, or null */
    TgiNativeWire(boolean spaceAfterData, Long seed) {
        this.prefix = spaceAfterData ? "data: " : "data:";
        this.seed = seed;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public String idle(boolean idChanged) {
        return "{\"token\":{\"id\":0,\"text\":\"\",\"logprob\":0.0,\"special\":true},\"generated_text\":null,"
                + "\"details\":null}";
    }

    @Override
    public String token(Piece p) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"index\":").append(p.index()).append(",\"token\":{\"id\":").append(1000 + p.index())
                .append(",\"text\":");
        Json.str(sb, p.text()).append(",\"logprob\":-0.1,\"special\":false},\"generated_text\":");
        if (p.finish() == null) {
            return sb.append("null,\"details\":null}").toString();
        }
        Json.str(sb, p.soFar());
        String reason = "length".equals(p.finish()) ? "length" : p.stopMatch() != null ? "stop_sequence"
                : "eos_token";
        sb.append(",\"details\":{\"finish_reason\":\"").append(reason).append("\",\"generated_tokens\":")
                .append(p.counts().completion()).append(",\"seed\":").append(seed).append("}}");
        return sb.toString();
    }
}
