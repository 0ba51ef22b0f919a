package dev.crflow.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads an append-only JSON-lines file that a live writer may be appending to: a torn last line (the writer
 * was killed, or we read mid-write) is dropped silently; an unreadable line elsewhere is skipped with a warning.
 */
final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    static List<JsonNode> read(Path file, Consumer<String> warn) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            warn.accept(file.getFileName() + ": cannot read (" + e.getMessage() + ")");
            return List.of();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        // The last element is "" when the file ends with a newline; otherwise it is a line still being written.
        int last = lines.length - 1;
        while (last >= 0 && lines[last].isBlank()) last--;
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            try {
                JsonNode node = MAPPER.readTree(line);
                if (node != null && node.isObject()) {
                    out.add(node);
                    continue;
                }
            } catch (IOException ignored) {
                // fall through: reported below unless it is the torn tail
            }
            if (i != last) warn.accept(file.getFileName() + ": line " + (i + 1) + " is not a JSON object; skipped");
        }
        return out;
    }

    static JsonNode readObject(Path file, Consumer<String> warn) {
        try {
            JsonNode node = MAPPER.readTree(Files.readAllBytes(file));
            if (node != null && node.isObject()) return node;
            warn.accept(file.getFileName() + ": not a JSON object; ignored");
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            warn.accept(file.getFileName() + ": unreadable (" + firstLine(e.getMessage()) + "); ignored");
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
