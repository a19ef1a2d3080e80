package dev.r1serve.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReasoningSplitTest {

    @Test
    void modelOpenedThinkItself() {
        ReasoningSplit s = ReasoningSplit.of("<think>\nadd 2 and 2\n</think>\n\nThe answer is 4.", false);
        assertEquals("add 2 and 2", s.reasoning());
        assertEquals("The answer is 4.", s.answer());
        assertTrue(s.closed());
    }

    @Test
    void thinkPrefilledByTheTemplateMeansTheCompletionStartsInsideReasoning() {
        ReasoningSplit s = ReasoningSplit.of("add 2 and 2\n</think>\n\n4", true);
        assertEquals("add 2 and 2", s.reasoning());
        assertEquals("4", s.answer());
    }

    @Test
    void closingTagWithoutOpeningTagStillSplits() {
        // R1 distills whose template pre-fills <think> often emit only the closing tag.
        ReasoningSplit s = ReasoningSplit.of("hmm\n</think>\nyes", false);
        assertEquals("hmm", s.reasoning());
        assertEquals("yes", s.answer());
    }

    @Test
    void truncatedReasoningHasNoAnswer() {
        ReasoningSplit s = ReasoningSplit.of("let me think about this for a very long", true);
        assertEquals("let me think about this for a very long", s.reasoning());
        assertEquals("", s.answer());
        assertFalse(s.closed());
        ReasoningSplit opened = ReasoningSplit.of("<think>still going", false);
        assertEquals("still going", opened.reasoning());
        assertEquals("", opened.answer());
    }

    @Test
    void answerIsTheTextAfterTheLastClosingTag() {
        ReasoningSplit s = ReasoningSplit.of("<think>a</think>draft</think> final", false);
        assertEquals("a</think>draft", s.reasoning());
        assertEquals("final", s.answer());
    }

    @Test
    void textWithoutThinkTagsIsAllAnswer() {
        ReasoningSplit s = ReasoningSplit.of(" Once upon a time", false);
        assertEquals("", s.reasoning());
        assertEquals("Once upon a time", s.answer());
        assertFalse(s.hadReasoning());
    }
}
