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
import java.util.List;
import java.util.function.Function;

/**
 * An append-only JSONL file of records of one type: what makes runs resumable after kill -9 ({@code samples.jsonl}
 * of an eval, of a distillation). Each record is written as one line and flushed to the operating system at once,
 * so a killed process loses only the records still in flight; on resume a last line cut off mid-write (no newline)
 * is dropped, and the complete records are kept.
 *
 * @param <T> the record type (a Jackson-mappable record)
 */
public final class AppendOnlyJsonl<T> implements AutoCloseable {

    static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;
    private final OutputStream out;
    private final List<T> records;

    private AppendOnlyJsonl(Path file, OutputStream out, List<T> records) {
        this.file = file;
        this.out = out;
        this.records = records;
    }

    /**
     * Opens {@code file} for appending. With {@code resume} the recorded records are read first; without it the
     * file must not hold records yet (so a finished run is never mixed into silently).
     *
     * @param problem what is wrong with a parsed record, or null when it is fine
     */
    public static <T> AppendOnlyJsonl<T> open(Path file, boolean resume, Class<T> type, Function<T, String> problem) {
        try {
            List<T> existing = new ArrayList<>();
            if (Files.exists(file) && Files.size(file) > 0) {
                if (!resume) {
                    throw new IllegalStateException(file
                            + " already holds samples: pass --resume to continue that run, or choose another --out");
                }
                byte[] data = Files.readAllBytes(file);
                Parsed<T> p = parse(file, data, true, type, problem);
                if (p.validBytes < data.length) {
                    // A write cut off by a crash: drop the partial line so that appends start on a fresh line.
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(p.validBytes);
                    }
                }
                existing.addAll(p.records);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new AppendOnlyJsonl<>(file, out, Collections.synchronizedList(existing));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** Reads a finished file (any garbled line is an error naming file and line). */
    public static <T> List<T> read(Path file, Class<T> type, Function<T, String> problem) {
        if (!Files.exists(file)) throw new DataFormatException(file + ": no such file (not a run directory?)");
        try {
            return parse(file, Files.readAllBytes(file), false, type, problem).records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Replaces {@code file} atomically with {@code records}. */
    public static void rewrite(Path file, List<?> records) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder sb = new StringBuilder();
        try {
            for (Object r : records) sb.append(JSON.writeValueAsString(r)).append('\n');
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    private record Parsed<T>(List<T> records, long validBytes) {}

    private static <T> Parsed<T> parse(
            Path file, byte[] data, boolean tolerateTornTail, Class<T> type, Function<T, String> problem) {
        List<T> out = new ArrayList<>();
        int start = 0, line = 1;
        while (start < data.length) {
            int nl = indexOf(data, (byte) '\n', start);
            boolean complete = nl >= 0;
            int end = complete ? nl : data.length;
            String text = new String(data, start, end - start, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                try {
                    T r = JSON.readValue(text, type);
                    String wrong = problem.apply(r);
                    if (wrong != null) throw DataFormatException.at(file.toString(), line, wrong);
                    out.add(r);
                } catch (JsonProcessingException e) {
                    if (!complete && tolerateTornTail) return new Parsed<>(out, start);
                    throw DataFormatException.at(
                            file.toString(), line, "garbled sample record: " + e.getOriginalMessage());
                }
            }
            if (!complete) return new Parsed<>(out, data.length);
            start = nl + 1;
            line++;
        }
        return new Parsed<>(out, data.length);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) if (a[i] == b) return i;
        return -1;
    }

    /** Appends one record and flushes it. Thread-safe. */
    public void append(T r) {
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
    public List<T> records() {
        synchronized (records) {
            return List.copyOf(records);
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
