package dev.r1serve.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RewardRulesTest {

    private static double format(String prompt, String completion) {
        return FormatReward.score(Completion.of(prompt, completion), false).value();
    }

    @Test
    void formatAcceptsTheR1ZeroTemplate() {
        assertEquals(1.0, format("Q", "<think>add them</think><answer>4</answer>"));
        assertEquals(1.0, format("Q", "  <think>\nadd them\n</think>\n\n<answer> 4 </answer>\n"));
    }

    @Test
    void formatCountsAPrefilledThink() {
        assertEquals(1.0, format("User: 2+2?\nAssistant: <think>\n", "add them</think><answer>4</answer>"));
        assertEquals(0.0, format("User: 2+2?\nAssistant:", "add them</think><answer>4</answer>"));
        // the model repeating the opening tag after a pre-filled one is still one block
        assertEquals(1.0, format("Assistant: <think>", "<think>add</think><answer>4</answer>"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "<answer>4</answer><think>x</think>", // wrong order
                "<think>x</think><answer>4</answer> trailing", // text after the answer
                "before <think>x</think><answer>4</answer>", // text before the think block
                "<think>x <think>y</think> z</think><answer>4</answer>", // nested think
                "<think>x</think><answer>4 <answer>5</answer></answer>", // nested answer
                "<think>x</think><answer>4</answer><answer>5</answer>", // two answers
                "<think>x</think><think>y</think><answer>4</answer>", // two think blocks
                "<think>x</think>", // no answer block
                "<think>x</think><answer>  </answer>", // empty answer
                "<think> </think><answer>4</answer>", // empty reasoning
                "<think>x</think><answer>4", // unclosed answer
                "The answer is 4.", // no tags
            })
    void formatRejects(String completion) {
        assertEquals(0.0, format("Q", completion), completion);
    }

    @Test
    void formatPartialCreditCountsTagsUsedOnce() {
        assertEquals(
                0.5,
                FormatReward.score(Completion.of("Q", "<think>x</think> 4"), true)
                        .value());
        assertEquals(
                0.75,
                FormatReward.score(Completion.of("Q", "<think>x</think><answer>4"), true)
                        .value());
        assertEquals(
                1.0,
                FormatReward.score(Completion.of("Q", "<think>x</think><answer>4</answer>"), true)
                        .value());
        // all tags once but out of order: partial credit, not the full reward
        assertEquals(
                0.75,
                FormatReward.score(Completion.of("Q", "<answer>4</answer><think>x</think>"), true)
                        .value());
    }

    @Test
    void languageShareIsWordBasedPerScript() {
        Completion en = Completion.of("Q", "<think>So the answer is four.</think><answer>4</answer>");
        assertEquals(1.0, LanguageReward.score(en, "en").value());
        assertEquals(0.0, LanguageReward.score(en, "zh").value());
        Completion zh = Completion.of("Q", "<think>所以答案是四</think><answer>4</answer>");
        assertEquals(1.0, LanguageReward.score(zh, "zh").value());
        // 5 Han characters + 4 English words: 5/9 Chinese
        Completion mixed = Completion.of("Q", "<think>所以答案是 so the answer is</think><answer>4</answer>");
        assertEquals(5.0 / 9, LanguageReward.score(mixed, "zh").value(), 1e-12);
        assertEquals(4.0 / 9, LanguageReward.score(mixed, "en").value(), 1e-12);
    }

    @Test
    void languageIgnoresMathCodeAndTheAnswer() {
        Completion c = Completion.of(
                "Q",
                "<think>计算 $\\frac{a}{b} + x$ 和 `foo_bar()` \\sqrt{2}\n```python\nprint(hello)\n```</think><answer>the answer</answer>");
        var r = LanguageReward.score(c, "zh");
        assertEquals(1.0, r.value(), r.reason());
        assertEquals(
                0.0,
                LanguageReward.score(Completion.of("Q", "<think>1 + 2 = 3</think><answer>3</answer>"), "en")
                        .value());
        // without a think block the whole completion is the reasoning
        assertEquals(
                0.5, LanguageReward.score(Completion.of("Q", "hello 你"), "en").value());
        // other scripts count as non-target words
        assertEquals(
                0.5,
                LanguageReward.score(Completion.of("Q", "hello привет"), "en").value());
    }

    @Test
    void lengthPenaltyRamps() {
        LengthPenalty p = new LengthPenalty(100, 20);
        assertEquals(0.0, p.score("a".repeat(80)).value());
        assertEquals(-0.5, p.score("a".repeat(90)).value());
        assertEquals(-1.0, p.score("a".repeat(100)).value());
        assertEquals(-1.0, p.score("a".repeat(500)).value());
    }

    @Test
    void grpoPopulationStd() {
        double[] a = Grpo.advantages(new double[] {1, 0, 0, 1}, new Grpo.Options(Grpo.Normalization.POPULATION, 0));
        assertArrayEquals(new double[] {1, -1, -1, 1}, a, 0.0);
        double[] e = Grpo.advantages(new double[] {1, 0, 0, 1}, Grpo.Options.DEFAULT);
        assertEquals(0.5 / (0.5 + 1e-6), e[0], 1e-15);
    }

    @Test
    void grpoSampleStdAndDrGrpo() {
        // sample std of [1,0,0,1] = sqrt(1/3)
        double s = Math.sqrt(1.0 / 3);
        assertArrayEquals(
                new double[] {0.5 / s, -0.5 / s, -0.5 / s, 0.5 / s},
                Grpo.advantages(new double[] {1, 0, 0, 1}, new Grpo.Options(Grpo.Normalization.SAMPLE, 0)),
                1e-12);
        assertArrayEquals(
                new double[] {0.5, -0.5, -0.5, 0.5},
                Grpo.advantages(new double[] {1, 0, 0, 1}, new Grpo.Options(Grpo.Normalization.NONE, 0)),
                0.0);
    }

    @Test
    void grpoDegenerateGroupsGiveExactZeros() {
        assertArrayEquals(new double[] {0}, Grpo.advantages(new double[] {0.7}, Grpo.Options.DEFAULT), 0.0);
        // 0.1 + 0.2 style values that do not sum exactly: still zeros, not noise / eps
        double v = 0.1 + 0.2;
        double[] a = Grpo.advantages(new double[] {v, v, v, v, v, v, v}, Grpo.Options.DEFAULT);
        for (double x : a) assertEquals(0.0, x);
        double[] mid = Grpo.advantages(new double[] {0, 1, 2}, new Grpo.Options(Grpo.Normalization.POPULATION, 0));
        assertEquals(0.0, mid[1]);
        assertTrue(mid[0] < 0 && mid[2] > 0);
    }

    @Test
    void completionParts() {
        Completion c = Completion.of("x <think>\n", "r</think> text <answer>42</answer>");
        assertTrue(c.thinkPrefilled());
        assertEquals("42", c.answer());
        assertEquals("\nr", c.reasoning());
        assertEquals(" the end", Completion.of("Q", "<think>r</think> the end").answer());
        assertTrue(Completion.of("Q <think>", "still thinking").reasoningUnclosed());
    }
}
