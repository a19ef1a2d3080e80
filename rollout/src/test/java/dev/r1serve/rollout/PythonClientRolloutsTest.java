package dev.r1serve.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python package's {@code R1RolloutsGrpc.rollouts()} (client-sdk/python, tests/test_rollouts.py) run by a
 * python3 that has grpcio, against a real server with a scripted model. Stubs are generated first where protoc and
 * the gRPC Python plugin are installed; without grpcio or stubs the test is skipped, saying why.
 */
class PythonClientRolloutsTest {

    static final Path PACKAGE =
            Path.of("..", "client-sdk", "python").toAbsolutePath().normalize();
    static final long SEED = 500;

    @Test
    void thePythonClientStreamsRolloutsFromTheRealServer() throws Exception {
        assumeTrue(Files.isDirectory(PACKAGE.resolve("r1serve")), "no client-sdk/python next to this module");
        Optional<String> python = pythonWithGrpc();
        assumeTrue(python.isPresent(), "no python3 with grpcio here (apt-get install python3-grpcio python3-protobuf)");
        if (run(List.of("sh", "-c", "command -v protoc && command -v grpc_python_plugin"), null).exitCode == 0) {
            Result gen = run(List.of("sh", "generate_grpc.sh"), null);
            assertEquals(0, gen.exitCode, gen.output);
        }
        assumeTrue(
                Files.exists(PACKAGE.resolve("r1serve/_proto/r1/v1/rollout_pb2.py")),
                "no generated stubs: run client-sdk/python/generate_grpc.sh (protoc >= 3.15)");
        ScriptedModel model = new ScriptedModel(8);
        for (int i = 0; i < 5; i++) {
            model.script(
                    SEED + i,
                    List.of(RolloutServiceTest.RIGHT, RolloutServiceTest.WRONG, RolloutServiceTest.UNFORMATTED));
        }
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT.withMaxGroupsInFlight(2))) {
            Result r = run(List.of(python.get(), "-m", "unittest", "-v", "tests.test_rollouts"), s.target());
            assertEquals(0, r.exitCode, r.output);
            for (String test : List.of(
                    "test_rollouts_yields_scored_groups_with_advantages_and_token_ids",
                    "test_a_bad_request_raises_with_the_field")) {
                assertTrue(
                        r.output.lines().anyMatch(l -> l.startsWith(test) && l.endsWith("ok")),
                        test + " did not pass:\n" + r.output);
            }
        }
    }

    record Result(int exitCode, String output) {}

    static Optional<String> pythonWithGrpc() throws InterruptedException {
        for (String p : List.of("python3", "/usr/bin/python3")) {
            try {
                if (run(List.of(p, "-c", "import grpc, google.protobuf"), null).exitCode == 0) return Optional.of(p);
            } catch (IOException e) {
                // not installed
            }
        }
        return Optional.empty();
    }

    static Result run(List<String> command, String target) throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(PACKAGE.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        if (target != null) {
            pb.environment().put("R1SERVE_ROLLOUTS_GRPC", target);
            pb.environment().put("R1SERVE_ROLLOUTS_SEED", Long.toString(SEED));
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish in 120 s: " + command);
        return new Result(p.exitValue(), out);
    }
}
