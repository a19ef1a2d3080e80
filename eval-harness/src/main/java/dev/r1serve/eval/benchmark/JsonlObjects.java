package dev.r1serve.eval.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * Walks a JSONL file of objects (benchmarks, prompt sets): blank lines are skipped, and a line that is not a JSON
 * object, or a file without any, is an error naming the file and the line.
 */
public final class JsonlObjects {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to do with one object; {@code line} is 1-based. */
    public interface Handler {
        void accept(int line, JsonNode object);
    }

    private JsonlObjects() {}

    /** @param noun what the objects are, for the empty-file error ("questions", "prompts") */
    public static void forEach(String file, byte[] data, String noun, Handler handler) {
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", -1);
        int count = 0;
        for (int i = 0; i < lines.length; i++) {
            String text = lines[i].strip();
            if (text.isEmpty()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw DataFormatException.at(file, i + 1, "not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw DataFormatException.at(
                        file, i + 1, "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
            }
            handler.accept(i + 1, node);
            count++;
        }
        if (count == 0) throw new DataFormatException(file + ": no " + noun + " (the file is empty)");
    }
}
