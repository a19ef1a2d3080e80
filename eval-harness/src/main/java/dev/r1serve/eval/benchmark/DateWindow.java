package dev.r1serve.eval.benchmark;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * The release window of a dated benchmark (LiveCodeBench's {@code contest_date}): questions dated from
 * {@code since} to {@code until}, both included, as LiveCodeBench's own {@code --start_date}/{@code --end_date}.
 * The DeepSeek-R1 paper evaluates 2024-08-01 to 2025-01-31.
 *
 * @param since first day included, or null for no lower bound
 * @param until last day included, or null for no upper bound
 */
public record DateWindow(LocalDate since, LocalDate until) {

    /** No window: every question. */
    public static final DateWindow ALL = new DateWindow(null, null);

    /** The attribute questions are dated by ({@code yyyy-MM-dd}). */
    public static final String ATTRIBUTE = "contest_date";

    public DateWindow {
        if (since != null && until != null && until.isBefore(since)) {
            throw new IllegalArgumentException("--until: " + until + " is before --since " + since);
        }
    }

    /** From the {@code --since}/{@code --until} options (yyyy-MM-dd, either may be null). */
    public static DateWindow parse(String since, String until) {
        return new DateWindow(date("--since", since), date("--until", until));
    }

    private static LocalDate date(String option, String v) {
        if (v == null || v.isBlank()) return null;
        try {
            return LocalDate.parse(v.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": must be a date yyyy-MM-dd, got \"" + v + "\"");
        }
    }

    public boolean isAll() {
        return since == null && until == null;
    }

    /** Whether a question dated {@code date} is in the window. */
    public boolean includes(LocalDate date) {
        return (since == null || !date.isBefore(since)) && (until == null || !date.isAfter(until));
    }

    /** "2024-08-01..2025-01-31" ("..2025-01-31" without a start), as run.json records it; null for ALL. */
    public String label() {
        return isAll()
                ? null
                : (since == null ? "" : since.toString()) + ".." + (until == null ? "" : until.toString());
    }
}
