package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eval at scale: the shards of a run ({@code --shard i/N}), merged, give the same result as the run done
 * in one piece, through a real server (the scripted R1 model on a custom JSONL, sampled at temperature > 0).
 */
class EvalShardMergeTest {

    @TempDir
    Path dir;

    private EvalSpec spec(Path data, Path out) {
        return EvalEndToEndTest.customSpec(data, out)
                .withSampling(0.8f, 0.95f)
                .withSeed(7)
                .withK(3);
    }

    @Test
    void threeShardsMergedEqualTheUnshardedRun() throws Exception {
        Path data = EvalEndToEndTest.customData(dir);
        EvalResult whole = EvalRunner.run(spec(data, dir.resolve("whole")));

        List<Path> shards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("shard-" + i);
            EvalRunner.run(spec(data, out).withShard(new Shard(i, 3)));
            shards.add(out);
        }
        EvalResult merged = EvalMerge.merge(shards, dir.resolve("merged"));

        assertEquals(whole.summary().pass1(), merged.summary().pass1());
        assertEquals(whole.summary().passAtK(), merged.summary().passAtK());
        assertEquals(whole.summary().consAtK(), merged.summary().consAtK());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(dir.resolve("whole/summary.json").toFile());
        JsonNode b = json.readTree(dir.resolve("merged/summary.json").toFile());
        for (String metric : List.of("pass@1", "pass@k", "cons@k")) {
            assertEquals(a.get(metric), b.get(metric), metric);
        }
        assertEquals(
                json.readTree(dir.resolve("whole/run.json").toFile()).get("questions"),
                json.readTree(dir.resolve("merged/run.json").toFile()).get("questions"));
        // The regrade of the merged run (no server) agrees too.
        assertEquals(
                whole.summary().pass1(),
                EvalRegrade.regrade(dir.resolve("merged")).result().summary().pass1());
    }

    @Test
    void mergeRefusesMissingOrDuplicateShardsAndForeignRuns() throws Exception {
        Path data = EvalEndToEndTest.customData(dir);
        Path s0 = dir.resolve("s0");
        Path s1 = dir.resolve("s1");
        EvalRunner.run(spec(data, s0).withShard(new Shard(0, 2)));
        EvalRunner.run(spec(data, s1).withShard(new Shard(1, 2)).withSeed(8));
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> EvalMerge.merge(List.of(s0), dir.resolve("m1")));
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EvalMerge.merge(List.of(s0, s0), dir.resolve("m2")));
        IllegalArgumentException foreign =
                assertThrows(IllegalArgumentException.class, () -> EvalMerge.merge(List.of(s0, s1), dir.resolve("m3")));
        assertTrue(foreign.getMessage().contains("not of the same run"), foreign.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("3/3"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("a/b"));
    }
}
