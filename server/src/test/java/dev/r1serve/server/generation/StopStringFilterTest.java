package dev.r1serve.server.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringFilterTest {

    @Test
    void withoutStopStringsTextPassesThrough() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertEquals("abc", f.accept("abc"));
        assertFalse(f.matched());
    }

    @Test
    void aStopStringSplitAcrossPiecesIsHeldBackThenCut() {
        StopStringFilter f = new StopStringFilter(List.of("</answer>"));
        assertEquals("42", f.accept("42</"));
        assertEquals("", f.accept("ans"));
        assertEquals("", f.accept("wer> trailing"));
        assertTrue(f.matched());
        assertEquals("", f.accept("more"));
    }

    @Test
    void aHeldBackPrefixIsReleasedWhenItStopsMatching() {
        StopStringFilter f = new StopStringFilter(List.of("STOP"));
        assertEquals("a", f.accept("aST"));
        assertEquals("STx", f.accept("x"));
        assertFalse(f.matched());
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        StopStringFilter f = new StopStringFilter(List.of("cd", "b"));
        assertEquals("a", f.accept("abcd"));
        assertTrue(f.matched());
    }

    @Test
    void flushReleasesTheTailAtTheEnd() {
        StopStringFilter f = new StopStringFilter(List.of("END"));
        assertEquals("x", f.accept("xEN"));
        assertEquals("EN", f.flush());
    }
}
