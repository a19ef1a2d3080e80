package dev.r1serve.reward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python package r1serve (client-sdk/python) run by the machine's python3 against a real RewardServer and its
 * HTTP front on loopback: R1Rewards, the TRL reward function (plain and conversational), verl's compute_score
 * (math, and code through the sandbox), retries on 429, and the gRPC client where grpcio and stubs exist.
 */
class PythonAdaptersTest {

    static final Path PACKAGE =
            Path.of("..", "client-sdk", "python").toAbsolutePath().normalize();

    static boolean hasPython() {
        try {
            Process p = new ProcessBuilder("python3", "--version")
                    .redirectErrorStream(true)
                    .start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theAdaptersScoreThroughTheRealServer() throws Exception {
        assumeTrue(hasPython(), "python3 is not installed: the Python adapters cannot be run here");
        assumeTrue(Files.isDirectory(PACKAGE.resolve("r1serve")), "no client-sdk/python next to this module");
        try (LoopbackFront front = LoopbackFront.open()) {
            assumeTrue(
                    front.server.hasSandbox(),
                    "bubblewrap (bwrap) is not installed: verl's code rewards need the sandbox");
            ProcessBuilder pb = new ProcessBuilder("python3", "-m", "unittest", "discover", "-v", "-s", "tests")
                    .directory(PACKAGE.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("R1SERVE_URL", front.url());
            pb.environment().put("R1SERVE_GRPC", "127.0.0.1:" + front.server.port());
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python tests did not finish in 120 s");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            // every adapter test ran against the server (only the optional gRPC client may skip, saying why)
            for (String test : List.of(
                    "test_score_returns_rewards_and_group_advantages",
                    "test_bad_rollout_raises_with_the_field",
                    "test_trl_reward_func_plain_strings",
                    "test_trl_reward_func_conversational",
                    "test_trl_missing_column_names_it",
                    "test_verl_compute_score_math_and_code",
                    "test_verl_compute_score_batch_scores_all_in_one_request",
                    "test_429_is_retried_after_retry_after")) {
                assertTrue(
                        out.lines().anyMatch(l -> l.startsWith(test) && l.endsWith("ok")),
                        test + " did not pass:\n" + out);
            }
            System.out.println(
                    out.lines().filter(l -> l.contains("skipped")).findFirst().orElse("gRPC client test ran"));
        }
    }
}
