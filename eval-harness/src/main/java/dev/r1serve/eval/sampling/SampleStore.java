package dev.r1serve.eval.sampling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.eval.benchmark.DataFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only {@code samples.jsonl} of a run. Each record is written as one line and flushed to the operating
 * system at once, so a killed process loses only the samples still in flight; on resume a last line cut off
 * mid-write (no newline) is dropped, and complete samples are kept and skipped.
 */
public final class SampleStore implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;
    private final OutputStream out;
    private final List<SampleRecord> records;

    private SampleStore(Path file, OutputStream out, List<SampleRecord> records) {
        this.file = file;
        this.out = out;
        this.records = records;
    }

    /**
     * Opens {@code file} for appending. With {@code resume} the recorded samples are read first; without it the
     * file must not hold samples yet (so a finished run is never mixed into silently).
     */
    public static SampleStore open(Path file, boolean resume) {
        try {
            List<SampleRecord> existing = new ArrayList<>();
            if (Files.exists(file) && Files.size(file) > 0) {
                if (!resume) {
                    throw new IllegalStateException(file + " already holds samples: pass --resume to continue that run, or choose another --out");
                }
                existing.addAll(readForResume(file));
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new SampleStore(file, out, Collections.synchronizedList(existing));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** Reads a finished run's samples (any garbled line is an error naming file and line). */
    public static List<SampleRecord> read(Path file) {
        if (!Files.exists(file)) throw new DataFormatException(file + ": no such file (not a run directory?)");
        try {
            byte[] data = Files.readAllBytes(file);
            return parse(file, data, false).records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private record Parsed(List<SampleRecord> records, long validBytes) {}

    private static List<SampleRecord> readForResume(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        Parsed p = parse(file, data, true);
        if (p.validBytes < data.length) {
            // A write cut off by a crash: drop the partial line so that appends start on a fresh line.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(p.validBytes);
            }
        }
        return p.records;
    }

    private static Parsed parse(Path file, byte[] data, boolean tolerateTornTail) {
        List<SampleRecord> out = new ArrayList<>();
        int start = 0, line = 1;
        while (start < data.length) {
            int nl = indexOf(data, (byte) '\n', start);
            boolean complete = nl >= 0;
            int end = complete ? nl : data.length;
            String text = new String(data, start, end - start, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                try {
                    SampleRecord r = JSON.readValue(text, SampleRecord.class);
                    if (r.questionId() == null) throw DataFormatException.at(file.toString(), line, "record without questionId");
                    out.add(r);
                } catch (JsonProcessingException e) {
                    if (!complete && tolerateTornTail) return new Parsed(out, start);
                    throw DataFormatException.at(file.toString(), line, "garbled sample record: " + e.getOriginalMessage());
                }
            }
            if (!complete) return new Parsed(out, data.length);
            start = nl + 1;
            line++;
        }
        return new Parsed(out, data.length);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) if (a[i] == b) return i;
        return -1;
    }

    /** Appends one record and flushes it. Thread-safe. */
    public void append(SampleRecord r) {
        byte[] line;
        try {
            line = (JSON.writeValueAsString(r) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        synchronized (out) {
            try {
                out.write(line); // one write per line: a crash can tear at most this line
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file, e);
            }
        }
        records.add(r);
    }

    /** All records: the ones read on open, then the appended ones. */
    public List<SampleRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Records grouped by question id, duplicates of a (question, sample) pair dropped (first kept). */
    public static Map<String, List<SampleRecord>> byQuestion(List<SampleRecord> records) {
        Map<String, List<SampleRecord>> m = new LinkedHashMap<>();
        Map<String, java.util.Set<Integer>> seen = new LinkedHashMap<>();
        for (SampleRecord r : records) {
            if (seen.computeIfAbsent(r.questionId(), x -> new java.util.HashSet<>()).add(r.sample())) {
                m.computeIfAbsent(r.questionId(), x -> new ArrayList<>()).add(r);
            }
        }
        m.values().forEach(l -> l.sort((a, b) -> Integer.compare(a.sample(), b.sample())));
        return m;
    }

    /** Replaces {@code file} atomically with {@code records} (used by re-grading). */
    public static void rewrite(Path file, List<SampleRecord> records) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder sb = new StringBuilder();
        try {
            for (SampleRecord r : records) sb.append(JSON.writeValueAsString(r)).append('\n');
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
