package dev.llmcanary.canary.config;

import java.util.List;

/** Collects the configuration errors of one file into the load's shared list. */
final class Problems {

    private final String file;
    private final List<ConfigError> sink;

    Problems(String file, List<ConfigError> sink) {
        this.file = file;
        this.sink = sink;
    }

    String file() {
        return file;
    }

    /** How many errors the whole load has collected so far (to tell whether binding one item failed). */
    int count() {
        return sink.size();
    }

    void at(YamlNode node, String field, String message) {
        at(node.line(), node.column(), field, message);
    }

    void at(YamlNode.Entry entry, String field, String message) {
        at(entry.line(), entry.column(), field, message);
    }

    void at(int line, int column, String field, String message) {
        sink.add(new ConfigError(file, line, column, field, message));
    }
}
