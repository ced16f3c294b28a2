package dev.llmcanary.simulator;

/** Prompt and completion token counts as a server reports them. */
record TokenCounts(int prompt, int completion) {

    int total() {
        return prompt + completion;
    }

    StringBuilder appendOpenAi(StringBuilder sb) {
        return sb.append("{\"prompt_tokens\":").append(prompt).append(",\"completion_tokens\":").append(completion)
                .append(",\"total_tokens\":").append(total()).append('}');
    }
}
