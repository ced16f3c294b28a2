package dev.llmcanary.config;

import java.nio.file.Path;
import java.util.List;

/** Collects the configuration errors of one file into the load's shared list. */
public final class Problems {

    private final String file;
    private final List<ConfigError> sink;

    public Problems(String file, List<ConfigError> sink) {
        this.file = file;
        this.sink = sink;
    }

    public String file() {
        return file;
    }

    /** How many errors the whole load has collected so far (to tell whether binding one item failed). */
    public int count() {
        return sink.size();
    }

    public void at(YamlNode node, String field, String message) {
        at(node.line(), node.column(), field, message);
    }

    public void at(YamlNode.Entry entry, String field, String message) {
        at(entry.line(), entry.column(), field, message);
    }

    public void at(int line, int column, String field, String message) {
        sink.add(new ConfigError(file, line, column, field, message));
    }

    /** {@code canaries/x.yaml} for files in the canary directory, the path as given otherwise. */
    public static String displayName(Path file, Path canariesDir) {
        Path dir = canariesDir.toAbsolutePath().normalize();
        Path abs = file.toAbsolutePath().normalize();
        if (abs.getParent() != null && abs.getParent().equals(dir) && dir.getFileName() != null) {
            return dir.getFileName() + "/" + abs.getFileName();
        }
        return file.toString().replace('\\', '/');
    }
}
