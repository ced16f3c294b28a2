package dev.llmcanary.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one YAML document into a located {@link YamlNode} tree from Jackson's token stream. */
public final class YamlTreeReader {

    private final YAMLFactory factory = YAMLFactory.builder().build();

    /**
     * Parses {@code text}; empty documents give an empty result. Syntax errors, duplicate keys and extra documents
     * are reported to {@code problems}; a syntax error yields an empty result.
     */
    public Optional<YamlNode> read(String text, Problems problems) {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            YamlNode root = readValue(parser, problems);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                problems.at(at.getLineNr(), at.getColumnNr(), "", "a file holds one YAML document; remove the '---' separator");
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
                // The problem mark is where the parser gave up, which is where the reader should look.
                problems.at(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1, "",
                        "YAML syntax error: " + y.getProblem() + (y.getContext() == null ? "" : " (" + y.getContext() + ")"));
            } else {
                JsonLocation at = e.getLocation();
                problems.at(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                        "YAML syntax error: " + syntaxProblem(e));
            }
            return Optional.empty();
        } catch (IOException e) {
            problems.at(0, 0, "", "cannot read: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private YamlNode readValue(JsonParser parser, Problems problems) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation keyAt = parser.currentTokenLocation();
                    String key = parser.currentName();
                    parser.nextToken();
                    YamlNode value = readValue(parser, problems);
                    if (entries.containsKey(key)) {
                        problems.at(keyAt.getLineNr(), keyAt.getColumnNr(), "", "duplicate key \"" + key + "\"");
                    } else {
                        entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                    }
                }
                return new YamlNode.Mapping(entries, line, column);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(parser, problems));
                }
                return new YamlNode.Sequence(items, line, column);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Type.STRING, null, line, column);
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Type.INTEGER, parser.getNumberValue(), line, column);
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Type.FLOAT, parser.getNumberValue(), line, column);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Type.BOOLEAN, null, line, column);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, YamlNode.Scalar.Type.NULL, null, line, column);
            default:
                // Embedded objects only arise from binary tags (!!binary), which configuration never needs.
                return new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Type.STRING, null, line, column);
        }
    }

    /** The parser's one-line problem statement, without the snippet of file text SnakeYAML appends. */
    private static String syntaxProblem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return "unreadable YAML";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
