package dev.r1serve.eval.ifeval;

import java.util.List;

/**
 * Grades one response against a prompt's instructions the way the reference's {@code evaluation_lib} does: strict
 * checks the response as it is; loose accepts an instruction when any of eight variants follows it (the response,
 * without its first line, without its last line, without both, each also with every '*' removed), which forgives
 * a preamble such as "Sure, here it is:" and markdown emphasis.
 */
public final class IfEvalGrading {

    private IfEvalGrading() {}

    /**
     * One response's outcome.
     *
     * @param strict per instruction, in the prompt's order: followed by the response as it is
     * @param loose per instruction: followed by some loose variant
     */
    public record Result(List<Instruction> instructions, boolean[] strict, boolean[] loose) {

        public boolean allStrict() {
            return all(strict);
        }

        public boolean allLoose() {
            return all(loose);
        }

        public int followedStrict() {
            return count(strict);
        }

        public int followedLoose() {
            return count(loose);
        }

        private static boolean all(boolean[] xs) {
            for (boolean x : xs) if (!x) return false;
            return true;
        }

        private static int count(boolean[] xs) {
            int n = 0;
            for (boolean x : xs) if (x) n++;
            return n;
        }

        /**
         * The sample's rule in samples.jsonl, readable and read back by {@link #followed}: "ifeval strict 1/2, loose
         * 2/2: punctuation:no_comma ✓, length_constraints:number_words ✗ (loose ✓)".
         */
        public String describe() {
            StringBuilder b = new StringBuilder(RULE_PREFIX)
                    .append("strict ")
                    .append(followedStrict())
                    .append('/')
                    .append(strict.length)
                    .append(", loose ")
                    .append(followedLoose())
                    .append('/')
                    .append(loose.length)
                    .append(": ");
            for (int i = 0; i < strict.length; i++) {
                if (i > 0) b.append(", ");
                b.append(instructions.get(i).id()).append(strict[i] ? " ✓" : loose[i] ? " ✗ (loose ✓)" : " ✗");
            }
            return b.toString();
        }
    }

    static final String RULE_PREFIX = "ifeval ";

    /**
     * Per instruction, whether it was followed strictly ({@code [i][0]}) and loosely ({@code [i][1]}), read from a
     * rule written by {@link Result#describe}; all false for a sample that was not graded (no answer, error).
     */
    public static boolean[][] followed(String rule, int instructions) {
        boolean[][] out = new boolean[instructions][2];
        if (rule == null || !rule.startsWith(RULE_PREFIX)) return out;
        String[] items = rule.substring(rule.indexOf(": ") + 2).split(", ");
        if (items.length != instructions)
            throw new IllegalStateException("rule \"" + rule + "\" does not list " + instructions + " instructions");
        for (int i = 0; i < instructions; i++) {
            out[i][0] = items[i].endsWith(" ✓");
            out[i][1] = out[i][0] || items[i].endsWith("(loose ✓)");
        }
        return out;
    }

    /** Checks {@code response} (the answer after {@code </think>}) against every instruction. */
    public static Result grade(List<Instruction> instructions, String response) {
        String[] variants = looseVariants(response);
        boolean[] strict = new boolean[instructions.size()], loose = new boolean[instructions.size()];
        for (int i = 0; i < instructions.size(); i++) {
            Instruction in = instructions.get(i);
            strict[i] = in.follows(response);
            boolean ok = strict[i];
            for (int v = 1; !ok && v < variants.length; v++) {
                if (!seenBefore(variants, v)) ok = in.follows(variants[v]); // a repeated variant has the same outcome
            }
            loose[i] = ok;
        }
        return new Result(List.copyOf(instructions), strict, loose);
    }

    private static boolean seenBefore(String[] variants, int v) {
        for (int u = 0; u < v; u++) if (variants[u].equals(variants[v])) return true;
        return false;
    }

    /** The reference's eight loose variants, in its order (the first is the response itself). */
    static String[] looseVariants(String response) {
        String[] lines = response.split("\n", -1);
        String removeFirst = PyText.strip(join(lines, 1, lines.length));
        String removeLast = PyText.strip(join(lines, 0, lines.length - 1));
        String removeBoth = PyText.strip(join(lines, 1, lines.length - 1));
        return new String[] {
            response,
            response.replace("*", ""),
            removeFirst,
            removeLast,
            removeBoth,
            removeFirst.replace("*", ""),
            removeLast.replace("*", ""),
            removeBoth.replace("*", "")
        };
    }

    private static String join(String[] lines, int from, int to) {
        if (from >= to) return "";
        return String.join("\n", java.util.Arrays.asList(lines).subList(from, to));
    }
}
