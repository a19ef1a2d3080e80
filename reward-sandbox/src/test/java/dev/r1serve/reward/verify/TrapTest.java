package dev.r1serve.reward.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Known traps of answer grading, one test per trap (see the project's data README). */
class TrapTest {
    private static final Verifier MATH = Verifier.math();

    private static void same(String gold, String pred) {
        Verdict v = MATH.verify(gold, pred);
        assertTrue(v.equivalent(), () -> "expected equivalent: " + v);
    }

    private static void differ(String gold, String pred) {
        Verdict v = MATH.verify(gold, pred);
        assertFalse(v.equivalent(), () -> "expected different: " + v);
    }

    @Test
    void aimeZeroPadding() {
        same("025", "So the answer is $\\boxed{25}$.");
        same("25", "So the answer is $\\boxed{025}$.");
        same("7", "\\boxed{007}");
        differ("025", "\\boxed{250}");
        // AMC golds are floats such as 27.0
        same("27.0", "\\boxed{27}");
    }

    @Test
    void dfracTfracAndShortFractions() {
        same("\\frac{1}{2}", "\\boxed{\\dfrac{1}{2}}");
        same("\\frac{9}{4}", "\\boxed{\\tfrac94}");
        same("\\frac12", "\\boxed{0.5}");
        same("1/2", "\\boxed{\\frac{1}{2}}");
        same("\\frac{9}{4}\\pi", "Therefore $\\boxed{\\frac94\\pi}$.");
        differ("\\frac{1}{2}", "\\boxed{\\frac{2}{1}}");
    }

    @Test
    void intervalsKeepOrderAndOpenClosedEnds() {
        same("[0,1)", "\\boxed{[0, 1)}");
        same("(-\\infty, 2) \\cup (3, \\infty)", "\\boxed{(3,\\infty)\\cup(-\\infty,2)}");
        differ("[0,1)", "\\boxed{(0,1)}");
        differ("[0,1)", "\\boxed{[0,1]}");
        differ("(0,1)", "\\boxed{(1,0)}");
        same("(0,1)", "\\boxed{0<x<1}");
        same("\\left(\\frac{3}{5},\\frac{8}{3}\\right]", "$\\boxed{(0.6, 2.666667]}$");
    }

    @Test
    void tuplesVersusSets() {
        same("\\{1,2\\}", "\\boxed{\\{2, 1\\}}");
        same("(1,2)", "\\boxed{(1,2)}");
        differ("(1,2)", "\\boxed{(2,1)}");
        differ("\\{1,2\\}", "\\boxed{(1,2)}");
        same("-2, 1", "\\boxed{1, -2}"); // a bare list of roots is order-free
        same("(3, \\frac{\\pi}{2})", "\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}");
    }

    @Test
    void unitsAndDegrees() {
        same("10", "\\boxed{10\\text{ units}}");
        same("90^\\circ", "\\boxed{90}");
        same("90", "\\boxed{90^{\\circ}}");
        same("15\\mbox{ cm}^2", "\\boxed{15}");
        same("5.4 \\text{ cents}", "\\boxed{5.4}");
        same("\\text{Evelyn}", "\\boxed{\\text{Evelyn}}");
        differ("\\text{Evelyn}", "\\boxed{\\text{Briana}}");
    }

    @Test
    void percentages() {
        // Documented rule: p% matches p and p/100; a plain gold is matched by the same number with a % sign.
        same("28\\%", "\\boxed{28\\%}");
        same("28\\%", "\\boxed{28}");
        same("28\\%", "\\boxed{0.28}");
        same("28", "\\boxed{28\\%}");
        differ("28", "\\boxed{0.28}");
        differ("28\\%", "\\boxed{2.8}");
    }

    @Test
    void thousandsSeparators() {
        same("7425000", "\\boxed{7,425,000}");
        same("10,\\!080", "\\boxed{10080}");
        same("11111111100", "is $\\boxed{11,\\! 111,\\! 111,\\! 100}$");
        same("14916", "\\boxed{14{,}916}");
        VerifierOptions expr = VerifierOptions.math().withLatex(false);
        assertTrue(Verifier.of(expr).verify("7425000", "7 425 000").equivalent());
        // Decimal commas only under the locale option: by default 1000,99 is not 1000.99.
        assertFalse(Verifier.of(expr).verify("1000.99", "1000,99").equivalent());
        assertTrue(Verifier.of(expr.withDecimalComma(true))
                .verify("1000.99", "1000,99")
                .equivalent());
        assertTrue(Verifier.gsm8k()
                .verify("#### 7425000", "They earn 7,425,000 dollars.")
                .equivalent());
    }

    @Test
    void scientificNotationAndDecimals() {
        same("1500", "\\boxed{1.5 \\times 10^{3}}");
        same("1500", "The result is 1.5e3");
        same("0.5", "\\boxed{\\frac{1}{2}}");
        same("\\frac{1}{12}", "$0.0833333333333333$");
        differ("16386.20", "\\boxed{16386.17}");
    }

    @Test
    void repeatedIdenticalBoxesAreOneAnswer() {
        same("5", "First \\boxed{5}. Checking again: \\boxed{5}");
        same("5", "\\boxed{5} and \\boxed{5}");
        Verdict v = MATH.verify("\\{1,2\\}", "\\boxed{1} and \\boxed{2}");
        assertTrue(v.equivalent(), v::toString);
        differ("5", "\\boxed{5} and \\boxed{6}");
    }

    @Test
    void truncatedOutputWithoutClosingThink() {
        Verdict v = MATH.verify("5", "<think>Let me compute... the answer is \\boxed{5}");
        assertFalse(v.equivalent());
        assertEquals("truncated", v.rule());
        assertNull(v.predExtracted());
        same("5", "<think>maybe \\boxed{4}</think> The answer is \\boxed{5}.");
        differ("4", "<think>maybe \\boxed{4}</think> The answer is \\boxed{5}.");
        assertTrue(AnswerExtractor.answerSection("<think>never closed").isEmpty());
    }

    @Test
    void symbolicIdentitiesUseTheCas() {
        // A generous deadline: this trap is about using the CAS, and a fresh CAS engine (after the
        // deadline test abandons a worker) on a loaded machine can take seconds for its first answer.
        Verdict v = Verifier.of(VerifierOptions.math().withTimeoutMillis(15_000))
                .verify("\\tan^2 y + 1", "$\\boxed{\\sec^2 y}$");
        assertTrue(v.equivalent(), v::toString);
        assertTrue(v.usedCas());
        same("x^2 - 2x + 1", "\\boxed{(x-1)^2}");
        differ("x^2 - 2x + 1", "\\boxed{(x+1)^2}");
        same("\\frac{x+2}{7}", "\\boxed{\\frac{x}{7}+\\frac{2}{7}}");
    }

    @Test
    void equationsAndInequalities() {
        same("x = 11", "\\boxed{x = 5+5+1 = 11}");
        same("34x+45y-20z+100=0", "\\boxed{-34x-45y+20z-100=0}");
        same("x \\leq 5", "\\boxed{5 \\geq x}");
        differ("x \\geq 5", "\\boxed{x \\leq 5}");
        differ("7 = 11a+c", "\\boxed{11a+c}");
    }

    @Test
    void matricesComplexInfinityRoots() {
        same(
                "\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
                "$\\boxed{\\left[\\begin{array}{cc}1 & 2 \\\\3 & 4\\end{array}\\right]}$");
        differ(
                "\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
                "\\boxed{\\begin{pmatrix}1 & 2 \\\\ 3 & 5\\end{pmatrix}}");
        same("3+4i", "\\boxed{4i+3}");
        differ("3+4i", "\\boxed{3-4i}");
        same("\\infty", "\\boxed{\\infty}");
        differ("\\infty", "\\boxed{-\\infty}");
        same("\\sqrt{2}", "\\boxed{\\sqrt2}");
        same("2\\sqrt{2}", "\\boxed{\\sqrt{8}}");
        same("1 \\pm \\sqrt{19}", "\\boxed{1-\\sqrt{19}, 1+\\sqrt{19}}");
    }

    @Test
    void hugeExponentIsBoundedByTheDeadline() {
        Verifier v = Verifier.of(VerifierOptions.math().withTimeoutMillis(300));
        long t0 = System.nanoTime();
        Verdict d = v.verify("(x+1)^{100000}", "\\boxed{(1+x)^{100000} + x^{99999} - x^{99999}}");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3_000, "took " + ms + " ms: " + d);
        // Either the CAS proved it in time or the deadline turned it into a reasoned "not equivalent".
        assertTrue(
                d.equivalent() || d.reason().contains("timeout") || d.reason().contains("CAS"), d::toString);

        // Needs a full expansion: typically overruns 300 ms; the stuck worker is abandoned.
        t0 = System.nanoTime();
        Verdict slow = v.verify("(x+y+1)^{60}", "\\boxed{(x^2+2xy+y^2+2x+2y+1)^{30}}");
        ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3_000, "took " + ms + " ms: " + slow);
        assertTrue(slow.equivalent() || slow.reason().contains("timeout"), slow::toString);
        // ... and the next symbolic comparison gets a fresh worker.
        Verdict next = v.verify("x^2", "\\boxed{x \\cdot x}");
        assertTrue(next.equivalent(), next::toString);
    }

    @Test
    void choiceLetters() {
        Verifier c = Verifier.choice(4);
        assertTrue(c.verify("C", "the correct answer is C").equivalent());
        assertTrue(c.verify("C", "**C**").equivalent());
        assertTrue(c.verify("C", "(C) 42 meters").equivalent());
        assertTrue(c.verify("C", "C)").equivalent());
        assertTrue(c.verify("C", "$\\boxed{\\text{(C)}}$").equivalent());
        assertTrue(c.verify("2", "The answer is (C).").equivalent(), "MMLU gold as 0-based index");
        assertFalse(c.verify("A", "The answer is (C).").equivalent());
        assertTrue(c.verify("B", "I pick the one that says forty-two", List.of("seven", "forty-two", "nine", "ten"))
                .equivalent());
        Verifier pro = Verifier.choice(10);
        assertTrue(pro.verify("J", "Answer: J").equivalent());
    }

    @Test
    void gsm8kGoldAfterHashes() {
        Verifier g = Verifier.gsm8k();
        assertTrue(g.verify("She has 3 + 4 = 7 apples.\n#### 7", "So she has 7 apples.")
                .equivalent());
        assertTrue(g.verify("#### 1,000", "The total is $1000.").equivalent());
        assertFalse(g.verify("#### 18", "The answer is 17, not 18? No: 17.").equivalent());
        VerifierOptions noFallback = VerifierOptions.gsm8k().withLastNumberFallback(false);
        assertFalse(Verifier.of(noFallback).verify("#### 7", "I think 7").equivalent());
        assertTrue(Verifier.of(noFallback).verify("#### 7", "The answer is 7").equivalent());
    }

    @Test
    void precisionOption() {
        assertTrue(Verifier.of(VerifierOptions.math().withPrecision(2))
                .verify("\\frac{1}{3}", "\\boxed{0.33}")
                .equivalent());
        assertFalse(Verifier.math().verify("\\frac{1}{3}", "\\boxed{0.33}").equivalent());
    }

    @Test
    void extractorAloneAndVoting() {
        AnswerExtractor x = new AnswerExtractor(VerifierOptions.math());
        assertEquals(
                "\\frac{1}{2}",
                x.extract("<think>hmm</think> We get $\\boxed{\\frac{1}{2}}$.")
                        .orElseThrow()
                        .answer());
        assertEquals("42", x.extract("The final answer is $42$.").orElseThrow().answer());
        assertTrue(x.extract("<think>cut off").isEmpty());
        assertTrue(MATH.equivalent("\\frac{1}{2}", "0.5"));
        assertTrue(MATH.equivalent("\\dfrac{1}{2}", "1/2"));
        assertFalse(MATH.equivalent("1/2", "1/3"));
    }

    // ---- exactness (issue 13) --------------------------------------------------------------------

    @Test
    void integersAreComparedExactlyNotAsDoubles() {
        differ("100000000000000001", "\\boxed{100000000000000000}");
        differ("10^{20}+1", "\\boxed{10^{20}}");
        differ("2^{2^{2^{2^{2}}}}+1", "\\boxed{2^{2^{2^{2^{2}}}}}");
        same("2^{10}", "\\boxed{1024}");
        same("\\sqrt[3]{8}", "\\boxed{2}");
        same("\\binom{50}{25}", "\\boxed{126410606437752}");
        Verdict v = MATH.verify("10^{20}+1", "\\boxed{10^{20}}");
        assertEquals("exact", v.rule(), v::toString);
    }

    @Test
    void decimalApproximationMayRoundButExactFractionsMayNot() {
        same("\\frac{1}{3}", "\\boxed{0.333333}");
        differ("\\frac{1}{3}", "\\boxed{\\frac{333333333}{1000000000}}");
        differ("10^{20}+1", "\\boxed{1.0e20}"); // 6-place rounding never merges two distinct integers
    }

    @Test
    void hugeValuesMatchOnlyTheirIdenticalFormAndFast() {
        long t0 = System.nanoTime();
        differ("10^{10^{10}}+1", "\\boxed{10^{10^{10}}}");
        differ("10^{400}", "\\boxed{10^{500}}"); // both overflow a double: not "the same infinity"
        differ("(10^{10})!", "\\boxed{(10^{10}+1)!}");
        same("10^{10^{10}}", "\\boxed{10^{10^{10}}}");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2_000, "took " + ms + " ms");
    }

    @Test
    void irrationalValuesCancelExactlyThenAgreePrecisely() {
        differ("10^{20}", "\\boxed{\\sqrt{10^{40}+1}}");
        differ("e^{1000}+1", "\\boxed{e^{1000}}");
        differ("\\sin 1", "\\boxed{\\sin 1 + 10^{-20}}");
        same("2\\sqrt{2}", "\\boxed{\\sqrt{8}}");
        same("\\pi + 1", "\\boxed{1 + \\pi}");
    }

    // ---- last stated answer and hedges (issue 13) -------------------------------------------------

    @Test
    void selfCorrectionLastAnswerWins() {
        same("6", "The answer is 5. Actually 6.");
        differ("5", "The answer is 5. Actually 6.");
        same("6", "So we get $\\boxed{5}$. Oops, I made an error: the answer is 6.");
        Verifier c = Verifier.choice(4);
        assertTrue(c.verify("A", "B... no, A").equivalent());
        assertFalse(c.verify("B", "B... no, A").equivalent());
        // "no" needs punctuation to be a correction: "no 5-digit number" corrects nothing.
        same("7", "The answer is 7. There is no 5-digit solution.");
    }

    @Test
    void negatedStatementIsNoAnswer() {
        differ("5", "The answer is not 5.");
        same("1000.99", "the number is not 10 which is 1,000.99");
        assertFalse(Verifier.choice(4).verify("A", "The answer is not A.").equivalent());
    }

    @Test
    void choiceHedgesAreWrong() {
        Verifier c = Verifier.choice(4);
        assertFalse(c.verify("A", "A, B, C, D").equivalent());
        assertFalse(c.verify("C", "\\boxed{A, C}").equivalent());
        assertFalse(c.verify("A", "The answer is A or B").equivalent());
        assertEquals("A, B", c.verify("A", "The answer is A or B").predExtracted());
        assertTrue(c.verify("D", "The answer is for sure D, it can't be A or B").equivalent());
        assertTrue(c.verify("C", "$\\boxed{\\text{(C) A triangle}}$").equivalent());
    }

    // ---- grader fidelity (issue 18) ---------------------------------------------------------------

    @Test
    void listSharingOnlyTheLastNumberIsWrong() {
        differ("19, 46, and 82", "The values are 21, 36, and 82.");
        same("19, 46, and 82", "The values are 19, 46, and 82.");
        differ("$19, 46, 82$", "\\boxed{82}");
    }

    @Test
    void percentWordsEqualThePercentSign() {
        same("28\\%", "The answer is 28 percent.");
        same("28\\%", "It is 28 pct.");
        same("28\\%", "28 percentage");
        same("28\\%", "\\boxed{28\\text{ percent}}");
        same("0.28", "The answer is 28 percent.");
        differ("28\\%", "The answer is 29 percent.");
    }

    @Test
    void sameLineWrittenDifferentlyIsEquivalent() {
        same("2x+4y-3=0", "\\boxed{y=-\\frac12x+\\frac34}");
        same("y=-\\frac12x+\\frac34", "\\boxed{2x+4y-3=0}");
        same("2x+4y-3=0", "\\boxed{4x+8y=6}");
        differ("2x+4y-3=0", "\\boxed{4x+8y=7}");
        same("x < 5", "\\boxed{-2x > -10}");
        differ("x < 5", "\\boxed{-2x < -10}"); // a negative factor flips an inequality
    }

    @Test
    void chainedInequalityEqualsItsIntervalBothWays() {
        same("-2 \\le x \\le 7", "\\boxed{x \\in [-2,7]}");
        same("x \\in [-2,7]", "\\boxed{-2 \\le x \\le 7}");
        same("[-2,7]", "\\boxed{7 \\geq x \\geq -2}");
        differ("[-2,7]", "\\boxed{-2 < x \\le 7}");
    }

    @Test
    void severalBoxesEqualAGoldSet() {
        same("\\{1, 2\\}", "\\boxed{2} and \\boxed{1}");
        same("\\{1, 2\\}", "The answers are 1 and 2.");
        differ("\\{1, 2\\}", "\\boxed{1} and \\boxed{3}");
    }

    @Test
    void decimalCommaOnlyUnderTheLocaleOption() {
        same("1220", "\\boxed{1,220}");
        differ("1.22", "\\boxed{1,22}");
        differ("1.22", "The answer is 1,22.");
        Verifier locale = Verifier.of(VerifierOptions.math().withDecimalComma(true));
        assertTrue(locale.verify("1.22", "\\boxed{1,22}").equivalent());
        assertTrue(locale.verify("1.22", "The answer is 1,22.").equivalent());
        assertTrue(locale.verify("1220", "The answer is 1,220.").equivalent(), "three digits stay thousands");
        assertTrue(locale.verify("(7,6)", "\\boxed{(7,6)}").equivalent(), "a pair stays a pair");
    }

    @Test
    void significantDigitsOptionIsOffByDefault() {
        differ("3.14159", "\\boxed{3.1416}");
        Verifier four = Verifier.of(VerifierOptions.math().withSignificantDigits(4));
        assertTrue(four.verify("3.14159", "\\boxed{3.1416}").equivalent());
        assertTrue(four.verify("\\frac{1}{3}", "\\boxed{0.3333}").equivalent());
        assertFalse(four.verify("1234", "\\boxed{1235}").equivalent(), "two exact integers never round together");
        assertFalse(four.verify("3.14159", "\\boxed{3.15}").equivalent());
    }

    @Test
    void variableNamesMatterOnlyWhenStrict() {
        same("f(x)", "$f(y)$");
        same("x^2 + 1", "\\boxed{t^2 + 1}");
        differ("x - y", "\\boxed{y - x}"); // shared names are never swapped
        differ("a", "\\boxed{b}"); // a bare name is never renamed onto another
        Verifier strict = Verifier.of(VerifierOptions.math().withStrictVariables(true));
        assertFalse(strict.verify("f(x)", "$f(y)$").equivalent());
        assertFalse(strict.verify("x = 1", "\\boxed{y = 1}").equivalent());
        assertTrue(strict.verify("x = 1", "\\boxed{x = 1}").equivalent());
    }

    @Test
    void predictionSpreadOverLinesInsideDollars() {
        same("9", "The answer is $x =\n 9$.");
        same("x^2+2x+1", "Expanding gives $x^2 +\n 2x +\n 1$.");
        // A dollar alone at a line end opens nothing (lighteval's inline rule), nor does a blank line.
        Verifier latexOnly = Verifier.of(VerifierOptions.math().withExpr(false));
        assertFalse(latexOnly.verify("$9$", "Answer $ \n 9 \n $").equivalent());
        assertFalse(latexOnly.verify("$9$", "Cost $9\n\n$ later").equivalent());
    }
}
