package dev.r1serve.eval.benchmark;

import dev.r1serve.eval.grading.TaskKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A benchmark's loaded questions and the identity of the bytes they came from.
 *
 * @param source the file or resource the data was read from
 * @param sha256 SHA-256 of the data file's bytes (recorded in every run)
 */
public record Dataset(Benchmark benchmark, String source, String sha256, List<Question> questions) {

    public Dataset {
        questions = List.copyOf(questions);
    }

    /** Loads {@code dataPath} or, when it is null, the benchmark's bundled resource. */
    static Dataset load(Benchmark b, Path dataPath) {
        String source;
        byte[] data;
        if (dataPath != null) {
            source = dataPath.toString();
            try {
                data = Files.readAllBytes(dataPath);
            } catch (NoSuchFileException e) {
                throw new DataFormatException(source + ": no such file (data for benchmark " + b.name() + ")");
            } catch (IOException e) {
                throw new DataFormatException(source + ": cannot read: " + e.getMessage(), e);
            }
        } else if (b.resource() != null) {
            source = "classpath:/benchmarks/" + b.resource();
            try (InputStream in = Dataset.class.getResourceAsStream("/benchmarks/" + b.resource())) {
                if (in == null) throw new DataFormatException(source + ": bundled data file is missing from the build");
                data = in.readAllBytes();
            } catch (IOException e) {
                throw new DataFormatException(source + ": cannot read: " + e.getMessage(), e);
            }
        } else {
            throw new DataFormatException(
                    "benchmark " + b.name() + " has no bundled data: give its file with --data PATH");
        }
        List<Question> qs = switch (b.name()) {
            case "humaneval" -> CodeBenchmarks.humanEval(source, data);
            case "livecodebench" -> CodeBenchmarks.liveCodeBench(source, data);
            case "ifeval" -> dev.r1serve.eval.ifeval.IfEvalData.parse(source, data);
            default -> b.fields() == null ? GpqaCsv.parse(source, data) : JsonlLoader.parse(source, data, b.fields());
        };
        if (b.grader() == TaskKind.CHOICE) {
            for (Question q : qs) {
                if (q.choices().size() < 2)
                    throw new DataFormatException(source + ": question " + q.id() + " has fewer than 2 options");
            }
        }
        return new Dataset(b, source, sha256(data), qs);
    }

    /** Hex SHA-256 of {@code data}. */
    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first {@code limit} questions (all when limit is 0 or larger than the set). */
    /** The questions of one shard, by position. */
    public Dataset shard(dev.r1serve.eval.Shard shard) {
        if (shard.isAll()) return this;
        List<Question> part = new java.util.ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            if (shard.includes(i)) part.add(questions.get(i));
        }
        return new Dataset(benchmark, source, sha256, part);
    }

    /**
     * The questions dated inside {@code window} (by their {@code contest_date}); all of them for
     * {@link DateWindow#ALL}. A window on undated questions is an error, not an empty run.
     */
    public Dataset window(DateWindow window) {
        if (window.isAll()) return this;
        List<Question> in = new java.util.ArrayList<>();
        for (Question q : questions) {
            String d = q.attributes().get(DateWindow.ATTRIBUTE);
            if (d == null) {
                throw new IllegalArgumentException("--since/--until: question " + q.id() + " of " + benchmark.name()
                        + " has no " + DateWindow.ATTRIBUTE + " (only LiveCodeBench problems are dated)");
            }
            if (window.includes(java.time.LocalDate.parse(d))) in.add(q);
        }
        if (in.isEmpty()) {
            throw new IllegalArgumentException(
                    "--since/--until: no question of " + source + " is dated in " + window.label());
        }
        return new Dataset(benchmark, source, sha256, in);
    }

    public Dataset limit(int limit) {
        if (limit <= 0 || limit >= questions.size()) return this;
        return new Dataset(benchmark, source, sha256, questions.subList(0, limit));
    }
}
