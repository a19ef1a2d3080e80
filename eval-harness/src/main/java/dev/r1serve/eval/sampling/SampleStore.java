package dev.r1serve.eval.sampling;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only {@code samples.jsonl} of an eval run (see {@link AppendOnlyJsonl}): a killed process loses only
 * the samples still in flight; on resume a torn last line is dropped, and complete samples are kept and skipped.
 */
public final class SampleStore implements AutoCloseable {

    private final AppendOnlyJsonl<SampleRecord> log;

    private SampleStore(AppendOnlyJsonl<SampleRecord> log) {
        this.log = log;
    }

    /** How eval samples are stored and keyed (question id, sample index). */
    public static final SamplingRun.Records<SampleRecord> RECORDS = new SamplingRun.Records<>(
            SampleRecord.class, SampleRecord::questionId, SampleRecord::sample, SampleStore::problem);

    private static String problem(SampleRecord r) {
        return r.questionId() == null ? "record without questionId" : null;
    }

    /**
     * Opens {@code file} for appending. With {@code resume} the recorded samples are read first; without it the
     * file must not hold samples yet (so a finished run is never mixed into silently).
     */
    public static SampleStore open(Path file, boolean resume) {
        return new SampleStore(AppendOnlyJsonl.open(file, resume, SampleRecord.class, SampleStore::problem));
    }

    /** Reads a finished run's samples (any garbled line is an error naming file and line). */
    public static List<SampleRecord> read(Path file) {
        return AppendOnlyJsonl.read(file, SampleRecord.class, SampleStore::problem);
    }

    /** Appends one record and flushes it. Thread-safe. */
    public void append(SampleRecord r) {
        log.append(r);
    }

    /** All records: the ones read on open, then the appended ones. */
    public List<SampleRecord> records() {
        return log.records();
    }

    /** Records grouped by question id, duplicates of a (question, sample) pair dropped (first kept). */
    public static Map<String, List<SampleRecord>> byQuestion(List<SampleRecord> records) {
        Map<String, List<SampleRecord>> m = new LinkedHashMap<>();
        Map<String, java.util.Set<Integer>> seen = new LinkedHashMap<>();
        for (SampleRecord r : records) {
            if (seen.computeIfAbsent(r.questionId(), x -> new java.util.HashSet<>())
                    .add(r.sample())) {
                m.computeIfAbsent(r.questionId(), x -> new ArrayList<>()).add(r);
            }
        }
        m.values().forEach(l -> l.sort((a, b) -> Integer.compare(a.sample(), b.sample())));
        return m;
    }

    /** Replaces {@code file} atomically with {@code records} (used by re-grading). */
    public static void rewrite(Path file, List<SampleRecord> records) {
        AppendOnlyJsonl.rewrite(file, records);
    }

    public Path file() {
        return log.file();
    }

    @Override
    public void close() {
        log.close();
    }
}
