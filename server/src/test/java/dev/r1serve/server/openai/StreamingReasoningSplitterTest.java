package dev.r1serve.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamingReasoningSplitterTest {

    private static String[] split(boolean prefilled, String... deltas) {
        StreamingReasoningSplitter s = new StreamingReasoningSplitter(prefilled);
        StringBuilder r = new StringBuilder();
        StringBuilder c = new StringBuilder();
        for (String d : deltas) {
            var p = s.accept(d);
            r.append(p.reasoning());
            c.append(p.content());
        }
        var p = s.flush();
        r.append(p.reasoning());
        c.append(p.content());
        return new String[] {r.toString(), c.toString()};
    }

    @Test
    void tagsSplitAcrossDeltasNeverLeak() {
        String[] out = split(false, "<th", "ink>\nLet me", " think</", "think>\n\nThe answer", " is 42");
        assertEquals("\nLet me think", out[0]);
        assertEquals("\n\nThe answer is 42", out[1]);
    }

    @Test
    void prefilledThinkStartsInReasoning() {
        String[] out = split(true, "Let me think<", "/think>42");
        assertEquals("Let me think", out[0]);
        assertEquals("42", out[1]);
    }

    @Test
    void noThinkTagsIsAllContentAndUnclosedReasoningIsAllReasoning() {
        assertEquals("", split(false, "Hello", " <b>world</b>")[0]);
        assertEquals("Hello <b>world</b>", split(false, "Hello", " <b>world</b>")[1]);
        assertEquals("truncated </thi", split(true, "truncated </thi")[0]);
    }
}
