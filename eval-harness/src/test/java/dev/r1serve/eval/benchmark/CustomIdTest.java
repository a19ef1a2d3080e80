package dev.r1serve.eval.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A custom benchmark's question ids: its {@code id} field when it has one, without --id-field. */
class CustomIdTest {

    private static List<String> ids(String jsonl, FieldMap fields) {
        return JsonlLoader.parse("t.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), fields).stream()
                .map(Question::id)
                .toList();
    }

    @Test
    void theIdFieldIsUsedWhenPresentWithoutIdField() {
        String data = "{\"id\":\"alpha\",\"q\":\"1+1?\",\"a\":\"2\"}\n{\"id\":7,\"q\":\"2+2?\",\"a\":\"4\"}\n";
        assertEquals(List.of("alpha", "7"), ids(data, FieldMap.of(null, "q", "a")));
    }

    @Test
    void linesWithoutAnIdAreNumberedAndIdFieldStillWins() {
        assertEquals(
                List.of("1", "2"),
                ids("{\"q\":\"a\",\"a\":\"1\"}\n{\"q\":\"b\",\"a\":\"2\"}\n", FieldMap.of(null, "q", "a")));
        assertEquals(
                List.of("x1"),
                ids("{\"id\":\"ignored\",\"qid\":\"x1\",\"q\":\"a\",\"a\":\"1\"}\n", FieldMap.of("qid", "q", "a")));
    }
}
