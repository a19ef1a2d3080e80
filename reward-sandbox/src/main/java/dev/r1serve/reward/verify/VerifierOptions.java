package dev.r1serve.reward.verify;

/**
 * Options of a {@link Verifier}. Create with {@link #math()}, {@link #choice(int)} or
 * {@link #gsm8k()} and adjust with the {@code with*} methods, or several at once through
 * {@link #toBuilder()}.
 *
 * @param type answer kind
 * @param latex extract LaTeX answers (boxes, math environments, bare LaTeX)
 * @param expr extract plain-text numbers ("answer is 5", and the last number if {@code lastNumberFallback})
 * @param nChoices number of choices for {@link AnswerType#CHOICE} (4 = A..D, 10 = A..J)
 * @param lastNumberFallback when nothing better is found, take the last number of the text
 * @param precision decimal places used when either side is written as a decimal: both values are
 *     rounded to this many places before comparison (Math-Verify's {@code float_rounding}); never
 *     applied between two values that are both exact integers ({@code 1.0e20} is not {@code 10^{20}+1})
 * @param relTolerance relative tolerance between values that are not exact (irrational or
 *     transcendental constants evaluated in floating point); never used between two exact rationals
 * @param strict when true, a bare list {@code 1, 2} does not match a tuple {@code (1,2)} and an
 *     assignment {@code x = 3} does not match {@code 3}; intervals, sets and tuples never mix either way
 * @param timeoutMillis hard deadline of one CAS comparison (exceeding it means "not equivalent")
 * @param useCas allow the Symja CAS for symbolic comparisons (numeric sampling alone otherwise)
 * @param decimalComma locale option: also read a comma as a decimal separator where it cannot be
 *     a thousands separator ({@code 1,22} = 1.22, {@code 1000,99} = 1000.99; {@code 1,220} and
 *     {@code 7,425,000} keep their thousands reading), as lighteval's multilingual number reading
 *     does. Off by default: a comma is a thousands separator before groups of three digits and a
 *     list separator otherwise ({@code 1,22} is the list 1, 22)
 * @param significantDigits when above 0, two numbers that are not both exact integers are also equal
 *     when they agree rounded to this many significant digits (the reference graders'
 *     {@code numeric_precision}); 0 (default) compares exactly
 * @param strictVariables when true, variable names matter ({@code f(x)} differs from {@code f(y)},
 *     {@code x = 1} from {@code y = 1}); when false (default) an answer whose variables are those of
 *     the gold renamed one-to-one, in sorted order, is equal (Math-Verify's {@code strict=False}).
 *     A bare variable is never renamed onto another ({@code a} stays different from {@code b})
 */
public record VerifierOptions(
        AnswerType type,
        boolean latex,
        boolean expr,
        int nChoices,
        boolean lastNumberFallback,
        int precision,
        double relTolerance,
        boolean strict,
        long timeoutMillis,
        boolean useCas,
        boolean decimalComma,
        int significantDigits,
        boolean strictVariables) {

    public VerifierOptions {
        if (nChoices < 0 || nChoices > 26) throw new IllegalArgumentException("nChoices must be 0..26");
        if (precision < 0 || precision > 15) throw new IllegalArgumentException("precision must be 0..15");
        if (timeoutMillis <= 0) throw new IllegalArgumentException("timeoutMillis must be positive");
        if (significantDigits < 0 || significantDigits > 30)
            throw new IllegalArgumentException("significantDigits must be 0..30 (0 = exact), got " + significantDigits);
    }

    /** MATH-500/AIME defaults: LaTeX + numbers, last-number fallback on, 6 decimals, 2 s CAS deadline. */
    public static VerifierOptions math() {
        return new Builder(AnswerType.MATH)
                .latex(true)
                .expr(true)
                .lastNumberFallback(true)
                .useCas(true)
                .build();
    }

    /** Multiple choice with {@code n} options (A.. the n-th letter). */
    public static VerifierOptions choice(int n) {
        if (n < 2) throw new IllegalArgumentException("need at least 2 choices");
        return new Builder(AnswerType.CHOICE).nChoices(n).build();
    }

    /** GSM8K: numbers only, last-number fallback on. */
    public static VerifierOptions gsm8k() {
        return new Builder(AnswerType.GSM8K)
                .latex(true)
                .expr(true)
                .lastNumberFallback(true)
                .build();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public VerifierOptions withLatex(boolean v) {
        return toBuilder().latex(v).build();
    }

    public VerifierOptions withExpr(boolean v) {
        return toBuilder().expr(v).build();
    }

    public VerifierOptions withLastNumberFallback(boolean v) {
        return toBuilder().lastNumberFallback(v).build();
    }

    public VerifierOptions withPrecision(int v) {
        return toBuilder().precision(v).build();
    }

    public VerifierOptions withRelTolerance(double v) {
        return toBuilder().relTolerance(v).build();
    }

    public VerifierOptions withStrict(boolean v) {
        return toBuilder().strict(v).build();
    }

    public VerifierOptions withTimeoutMillis(long v) {
        return toBuilder().timeoutMillis(v).build();
    }

    public VerifierOptions withUseCas(boolean v) {
        return toBuilder().useCas(v).build();
    }

    public VerifierOptions withDecimalComma(boolean v) {
        return toBuilder().decimalComma(v).build();
    }

    public VerifierOptions withSignificantDigits(int v) {
        return toBuilder().significantDigits(v).build();
    }

    public VerifierOptions withStrictVariables(boolean v) {
        return toBuilder().strictVariables(v).build();
    }

    /**
     * Options set one by one; {@link #build()} checks them. Starts from everything off except the
     * shared defaults: 6 decimals, relative tolerance 1e-9, 2 s CAS deadline.
     */
    public static final class Builder {
        private final AnswerType type;
        private boolean latex;
        private boolean expr;
        private int nChoices;
        private boolean lastNumberFallback;
        private int precision = 6;
        private double relTolerance = 1e-9;
        private boolean strict;
        private long timeoutMillis = 2000;
        private boolean useCas;
        private boolean decimalComma;
        private int significantDigits;
        private boolean strictVariables;

        private Builder(AnswerType type) {
            this.type = type;
        }

        private Builder(VerifierOptions o) {
            type = o.type;
            latex = o.latex;
            expr = o.expr;
            nChoices = o.nChoices;
            lastNumberFallback = o.lastNumberFallback;
            precision = o.precision;
            relTolerance = o.relTolerance;
            strict = o.strict;
            timeoutMillis = o.timeoutMillis;
            useCas = o.useCas;
            decimalComma = o.decimalComma;
            significantDigits = o.significantDigits;
            strictVariables = o.strictVariables;
        }

        public Builder latex(boolean v) {
            latex = v;
            return this;
        }

        public Builder expr(boolean v) {
            expr = v;
            return this;
        }

        public Builder nChoices(int v) {
            nChoices = v;
            return this;
        }

        public Builder lastNumberFallback(boolean v) {
            lastNumberFallback = v;
            return this;
        }

        public Builder precision(int v) {
            precision = v;
            return this;
        }

        public Builder relTolerance(double v) {
            relTolerance = v;
            return this;
        }

        public Builder strict(boolean v) {
            strict = v;
            return this;
        }

        public Builder timeoutMillis(long v) {
            timeoutMillis = v;
            return this;
        }

        public Builder useCas(boolean v) {
            useCas = v;
            return this;
        }

        public Builder decimalComma(boolean v) {
            decimalComma = v;
            return this;
        }

        public Builder significantDigits(int v) {
            significantDigits = v;
            return this;
        }

        public Builder strictVariables(boolean v) {
            strictVariables = v;
            return this;
        }

        /** @throws IllegalArgumentException if an option is out of range */
        public VerifierOptions build() {
            return new VerifierOptions(
                    type,
                    latex,
                    expr,
                    nChoices,
                    lastNumberFallback,
                    precision,
                    relTolerance,
                    strict,
                    timeoutMillis,
                    useCas,
                    decimalComma,
                    significantDigits,
                    strictVariables);
        }
    }
}
