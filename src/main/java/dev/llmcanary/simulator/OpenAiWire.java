package dev.llmcanary.simulator;

/** Chunks of {@code /v1/chat/completions} and {@code /v1/completions} in one server's dialect. */
final class OpenAiWire implements Wire {

    /** SGLang reports the EOS token id as matched_stop on a natural stop. */
    private static final int EOS_TOKEN_ID = 128009;

    private final DialectStyle style;
    private final boolean chat;
    private final String model;
    private final String id;
    private final String changedId;
    private final long created;

    OpenAiWire(DialectStyle style, boolean chat, String model, String idSuffix, long created) {
        this.style = style;
        this.chat = chat;
        this.model = model;
        this.id = style.emptyId() ? "" : (chat ? "chatcmpl-" : "cmpl-") + idSuffix;
        this.changedId = (chat ? "chatcmpl-" : "cmpl-") + "changed-" + idSuffix;
        this.created = created;
    }

    @Override
    public String prefix() {
        return style.prefix();
    }

    @Override
    public String role(TokenCounts usage) {
        if (!chat) {
            return null;
        }
        StringBuilder sb = head(false);
        sb.append("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
        choiceTail(sb, null, null);
        return tail(sb, usage, usage != null);
    }

    @Override
    public String empty(int index, boolean idChanged) {
        StringBuilder sb = head(idChanged);
        sb.append("\"choices\":[{\"index\":0,");
        if (chat) {
            sb.append("\"delta\":{");
            if (style.roleEvery()) {
                sb.append("\"role\":\"assistant\",");
            }
            sb.append("\"content\":\"\"}");
        } else {
            sb.append("\"text\":\"\"");
        }
        choiceTail(sb, null, null);
        return tail(sb, null, false);
    }

    @Override
    public String idle(boolean idChanged) {
        return empty(0, idChanged);
    }

    @Override
    public String token(Piece p) {
        StringBuilder sb = head(p.idChanged());
        sb.append("\"choices\":[{\"index\":").append(p.choiceIndex()).append(',');
        if (chat) {
            sb.append("\"delta\":{");
            if (style.roleEvery()) {
                sb.append("\"role\":\"assistant\",");
            }
            if (p.reasoning()) {
                if (style.roleEvery()) {
                    sb.append("\"content\":\"\",");
                }
                sb.append('"').append(style.reasoningField()).append("\":");
            } else {
                sb.append("\"content\":");
            }
            Json.str(sb, p.text()).append('}');
        } else {
            Json.str(sb.append("\"text\":"), p.text());
        }
        choiceTail(sb, p.finish(), p.stopMatch());
        return tail(sb, p.counts(), p.reportUsage());
    }

    @Override
    public boolean finishOnLastToken() {
        return style.finishOnLast();
    }

    @Override
    public String finish(Finish f) {
        StringBuilder sb = head(f.idChanged());
        sb.append("\"choices\":[{\"index\":0,");
        if (chat) {
            sb.append(style.roleEvery() ? "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}" : "\"delta\":{}");
        } else {
            sb.append("\"text\":\"\"");
        }
        choiceTail(sb, f.reason(), f.stopMatch());
        return tail(sb, f.counts(), f.reportUsage());
    }

    @Override
    public String usage(TokenCounts counts, boolean idChanged) {
        StringBuilder sb = head(idChanged);
        sb.append("\"choices\":[],\"usage\":");
        return counts.appendOpenAi(sb).append('}').toString();
    }

    @Override
    public boolean done() {
        return style.done();
    }

    @Override
    public boolean reasoning() {
        return chat && style.reasoningField() != null;
    }

    @Override
    public int emptyEvery() {
        return style.emptyEvery();
    }

    private StringBuilder head(boolean idChanged) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"id\":");
        Json.str(sb, idChanged ? changedId : id);
        sb.append(",\"object\":\"").append(chat ? style.chatObject() : "text_completion").append('"');
        sb.append(",\"created\":").append(created).append(",\"model\":");
        Json.str(sb, model).append(',');
        if (style.fingerprint() != null) {
            sb.append("\"system_fingerprint\":\"").append(style.fingerprint()).append("\",");
        }
        return sb;
    }

    /** Closes the choice: logprobs, finish_reason and the dialect's stop details, then the choices array. */
    private void choiceTail(StringBuilder sb, String finish, String stopMatch) {
        sb.append(",\"logprobs\":null,\"finish_reason\":");
        if (finish == null) {
            sb.append("null");
        } else {
            sb.append('"').append("length".equals(finish) ? "length" : style.eosReason()).append('"');
            if (style.stopReason()) {
                Json.str(sb.append(",\"stop_reason\":"), stopMatch);
            }
            if (style.matchedStop()) {
                sb.append(",\"matched_stop\":");
                if (stopMatch != null) {
                    Json.str(sb, stopMatch);
                } else if ("length".equals(finish)) {
                    sb.append("null");
                } else {
                    sb.append(EOS_TOKEN_ID);
                }
            }
        }
        sb.append("}]");
    }

    private String tail(StringBuilder sb, TokenCounts counts, boolean reportUsage) {
        if (reportUsage) {
            counts.appendOpenAi(sb.append(",\"usage\":"));
        } else if (style.usageNull()) {
            sb.append(",\"usage\":null");
        }
        return sb.append('}').toString();
    }
}
