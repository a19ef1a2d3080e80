package dev.r1serve.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalServers;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of an eval, then --resume: the final metrics equal an uninterrupted run's. The eval runs as
 * a separate JVM (the CLI's main class on the test classpath) against a real server in this JVM, and is killed
 * with destroyForcibly (SIGKILL) once part of its samples are on disk.
 */
class EvalResumeAfterKillTest {

    static final int QUESTIONS = 60, K = 2;

    @TempDir
    Path tmp;

    @Test
    void killedRunResumesToTheSameMetricsAsAnUninterruptedOne() throws Exception {
        Path data = tmp.resolve("q.jsonl");
        StringBuilder sb = new StringBuilder();
        String[] golds = {"42", "41", "\\\\frac{84}{2}", "7", "42.0"};
        for (int i = 0; i < QUESTIONS; i++) {
            sb.append("{\"id\":\"q")
                    .append(i)
                    .append("\",\"question\":\"Question number ")
                    .append(i)
                    .append(": what is the answer?\",\"answer\":\"")
                    .append(golds[i % golds.length])
                    .append("\"}\n");
        }
        Files.writeString(data, sb.toString());
        FieldMap fields = new FieldMap("id", "question", "answer", null, false, List.of());

        // Uninterrupted reference, in process.
        Path ref = tmp.resolve("ref");
        EvalSpec spec = EvalSpec.of("custom", EvalServers.target(), ref)
                .withModel(EvalServers.R1)
                .withCustom(data, fields, TaskKind.MATH)
                .withK(K)
                .withMaxTokens(64)
                .withSampling(0f, 0.95f)
                .withSeed(11)
                .withConcurrency(2)
                .withProgress(null);
        EvalResult reference = EvalRunner.run(spec);
        assertEquals(QUESTIONS * K, reference.summary().samples());

        // The same eval in another JVM, killed part-way.
        Path run = tmp.resolve("killed");
        Path samples = run.resolve("samples.jsonl");
        long recorded = KilledRun.killAfter(
                EvalCommand.class,
                List.of(
                        "--benchmark",
                        "custom",
                        "--data",
                        data.toString(),
                        "--id-field",
                        "id",
                        "--server",
                        EvalServers.target(),
                        "--model",
                        EvalServers.R1,
                        "--k",
                        Integer.toString(K),
                        "--max-tokens",
                        "64",
                        "--temperature",
                        "0",
                        "--seed",
                        "11",
                        "--concurrency",
                        "1",
                        "--out",
                        run.toString(),
                        "--quiet"),
                samples,
                20,
                QUESTIONS * K,
                tmp.resolve("child.log"));

        // Resume in process and compare with the reference.
        EvalResult resumed = EvalRunner.run(spec.withOut(run).withResume(true));
        assertTrue(
                resumed.newSamples() > 0 && resumed.newSamples() <= QUESTIONS * K - recorded + K,
                "resume generated only what was missing: " + resumed.newSamples());
        assertEquals(reference.summary().pass1(), resumed.summary().pass1());
        assertEquals(reference.summary().passAtK(), resumed.summary().passAtK());
        assertEquals(reference.summary().consAtK(), resumed.summary().consAtK());
        assertEquals(reference.summary().perQuestion(), resumed.summary().perQuestion());
        assertEquals(0.6, resumed.summary().pass1().mean(), 1e-12);

        List<SampleRecord> a = sorted(SampleStore.read(ref.resolve("samples.jsonl")));
        List<SampleRecord> b = sorted(SampleStore.read(samples));
        assertEquals(a.size(), b.size(), "every (question, sample) exactly once");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).questionId(), b.get(i).questionId());
            assertEquals(a.get(i).sample(), b.get(i).sample());
            assertEquals(a.get(i).seed(), b.get(i).seed());
            assertEquals(a.get(i).text(), b.get(i).text());
            assertEquals(a.get(i).correct(), b.get(i).correct());
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode ja = json.readTree(ref.resolve("summary.json").toFile()),
                jb = json.readTree(run.resolve("summary.json").toFile());
        for (String key :
                List.of("pass@1", "pass@k", "cons@k", "per_question", "questions", "samples", "correct_samples")) {
            assertEquals(ja.get(key), jb.get(key), key);
        }
    }

    private static List<SampleRecord> sorted(List<SampleRecord> rs) {
        List<SampleRecord> out = new ArrayList<>(rs);
        out.sort(Comparator.comparing(SampleRecord::questionId).thenComparingInt(SampleRecord::sample));
        return out;
    }
}
