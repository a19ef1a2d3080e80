package dev.r1serve.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.EvalServers;
import dev.r1serve.eval.distill.DistillRunner;
import dev.r1serve.eval.distill.DistillSpec;
import dev.r1serve.eval.distill.FilterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of {@code r1 distill}, then {@code --resume}: the output files are byte for byte those of
 * an uninterrupted run. The distillation runs as a separate JVM (the CLI's main class on the test classpath)
 * against a real server in this JVM, and is killed with destroyForcibly (SIGKILL) once part of its responses are
 * on disk.
 */
class DistillResumeAfterKillTest {

    static final int PROMPTS = 60, K = 2;

    @TempDir
    Path tmp;

    @Test
    void killedRunResumesToTheSameFilesAsAnUninterruptedOne() throws Exception {
        Path data = tmp.resolve("prompts.jsonl");
        StringBuilder sb = new StringBuilder();
        String[] answers = {"42", "41", "\\\\frac{84}{2}", "7", "42.0"};
        for (int i = 0; i < PROMPTS; i++) {
            sb.append("{\"id\":\"p")
                    .append(i)
                    .append("\",\"prompt\":\"Question number ")
                    .append(i)
                    .append(": what is the answer?\",\"answer\":\"")
                    .append(answers[i % answers.length])
                    .append("\"}\n");
        }
        Files.writeString(data, sb.toString());

        // Uninterrupted reference, in process.
        Path ref = tmp.resolve("ref");
        DistillSpec spec = DistillSpec.builder(EvalServers.target(), ref)
                .data(data)
                .model(EvalServers.R1)
                .k(K)
                .maxTokens(64)
                .sampling(0f, 0.95f)
                .seed(11)
                .concurrency(2)
                .progress(null)
                .filters(new FilterConfig(0.95, 3000, true, true, false))
                .build(); // no dedup: the scripted responses are all alike
        DistillRunner.Result reference = DistillRunner.run(spec);
        assertEquals(PROMPTS * K, reference.summary().samples());
        assertEquals(PROMPTS * 3 / 5 * K, reference.summary().kept(), "answers 42, \\frac{84}{2} and 42.0 are right");

        // The same run in another JVM, killed part-way.
        Path run = tmp.resolve("killed");
        Path samples = run.resolve(DistillRunner.SAMPLES);
        long recorded = KilledRun.killAfter(
                DistillCommand.class,
                List.of(
                        "--data",
                        data.toString(),
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
                        "--keep-duplicates",
                        "--out",
                        run.toString(),
                        "--quiet"),
                samples,
                20,
                PROMPTS * K,
                tmp.resolve("child.log"));
        assertTrue(!Files.exists(run.resolve(DistillRunner.SFT)), "outputs are written at the end only");

        // Resume in process: the same files as the reference.
        DistillRunner.Result resumed =
                DistillRunner.run(spec.toBuilder().out(run).resume(true).build());
        assertTrue(
                resumed.newSamples() > 0 && resumed.newSamples() <= PROMPTS * K - recorded + K,
                "resume sampled only what was missing: " + resumed.newSamples());
        for (String f : List.of(DistillRunner.SFT, DistillRunner.REJECTED, DistillRunner.SUMMARY)) {
            assertEquals(Files.readString(ref.resolve(f)), Files.readString(run.resolve(f)), f);
        }
        assertEquals(PROMPTS * K, Files.lines(samples).count(), "every (prompt, sample) exactly once");
    }
}
