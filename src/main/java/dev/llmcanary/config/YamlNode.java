package dev.llmcanary.config;

import java.util.List;
import java.util.Map;

/**
 * A YAML value together with where it starts in its file, so every configuration error can point at a line and
 * column (Jackson's {@code JsonNode} trees drop locations).
 */
public sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    /** 1-based line. */
    int line();

    /** 1-based column. */
    int column();

    /** What the node is, phrased for an error message ("a mapping", "a number", ...). */
    String describe();

    /** A mapping; entries keep file order. */
    record Mapping(Map<String, Entry> entries, int line, int column) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** One key of a mapping, located at the key. */
    record Entry(String key, int line, int column, YamlNode value) {
    }

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar as written; {@code number} is set for integers and floats. */
    record Scalar(String text, Type type, Number number, int line, int column) implements YamlNode {
        public enum Type { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        @Override
        public String describe() {
            return switch (type) {
                case STRING -> "a string";
                case INTEGER, FLOAT -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "null";
            };
        }
    }
}
