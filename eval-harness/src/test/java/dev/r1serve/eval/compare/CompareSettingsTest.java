package dev.r1serve.eval.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalServers;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.grading.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code r1 eval compare} says when two runs were made with different settings, and which. */
class CompareSettingsTest {

    @TempDir
    Path tmp;

    private EvalSpec spec(Path data, String name) {
        return EvalSpec.of("custom", EvalServers.target(), tmp.resolve(name))
                .withModel(EvalServers.R1)
                .withCustom(data, FieldMap.of(null, "q", "gold"), TaskKind.MATH)
                .withK(1)
                .withMaxTokens(48)
                .withSeed(3)
                .withProgress(null);
    }

    @Test
    void runsWithDifferentSamplingOrBudgetAreComparedWithAWarningListingThem() throws Exception {
        Path data = Files.writeString(
                tmp.resolve("d.jsonl"),
                "{\"id\":\"six-sevens\",\"q\":\"6*7?\",\"gold\":\"42\"}\n"
                        + "{\"id\":\"forty-one\",\"q\":\"40+1?\",\"gold\":\"41\"}\n");
        Path a = EvalRunner.run(spec(data, "a")).dir();
        Path same = EvalRunner.run(spec(data, "same").withSeed(4)).dir();
        Path b = EvalRunner.run(spec(data, "b").withSampling(1.0f, 0.9f).withMaxTokens(40))
                .dir();

        assertEquals(List.of(), RunComparison.of(a, same).warnings(), "another seed is not another setting");
        RunComparison c = RunComparison.of(a, b);
        assertEquals(
                List.of("different settings (temperature 0.6 vs 1.0; top-p 0.95 vs 0.9; max tokens 48 vs 40): "
                        + "the difference may come from them, not only the models"),
                c.warnings());
        assertTrue(c.render().contains("warning: different settings (temperature 0.6 vs 1.0"), c.render());
        assertEquals(2, c.pass1().questions(), "paired by the lines' own ids");
    }
}
