package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code r1 serve} mistakes answer in one line naming the file or port, with the usage exit code (2). */
class ServeMistakesTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void nativeDir() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir")));
    }

    /** Exit code and the error output of {@code r1 ARGS}, run as ./r1 runs it. */
    private static Object[] run(String... args) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        int code = new CommandLine(new R1())
                .setExecutionExceptionHandler(R1::refused)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Object[] {code, err.toString().strip(), out.toString()};
    }

    private static void assertOneLine(Object[] r, String expected) {
        assertEquals(2, r[0], r[1].toString());
        assertEquals(expected, r[1]);
        assertFalse(r[1].toString().contains("\tat "), r[1].toString());
    }

    @Test
    void aMissingConfigFile() {
        Path missing = dir.resolve("r1.yaml");
        assertOneLine(run("serve", "--config", missing.toString()), "r1 serve: --config: file not found: " + missing);
    }

    @Test
    void aConfigFileWithAnUnknownSetting() throws Exception {
        Path config = Files.writeString(dir.resolve("r1.yaml"), "models: [{name: a, path: stories260k}]\nprot: 5\n");
        Object[] r = run("serve", "--config", config.toString());
        assertEquals(2, r[0]);
        assertTrue(r[1].toString().startsWith("r1 serve: " + config + ": unknown setting 'prot'"), r[1].toString());
    }

    @Test
    void aModelFileThatIsNotGguf() throws Exception {
        Path notGguf = Files.writeString(dir.resolve("model.safetensors"), "{\"__metadata__\": {}}");
        Object[] r = run("serve", "--model", notGguf.toString());
        assertEquals(2, r[0]);
        assertTrue(
                r[1].toString().startsWith("r1 serve: model 'model.safetensors': not a GGUF file: " + notGguf),
                r[1].toString());
    }

    @Test
    void grpcAndHttpPortsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertOneLine(
                    run("serve", "--model", "stories260k", "--host", "127.0.0.1", "--port", Integer.toString(port)),
                    "r1 serve: port " + port + " (gRPC, --port) is already in use");
            assertOneLine(
                    run(
                            "serve",
                            "--model",
                            "stories260k",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            "0",
                            "--http-port",
                            Integer.toString(port)),
                    "r1 serve: port " + port + " (OpenAI HTTP API, --http-port) is already in use");
        }
    }

    @Test
    void helpShowsRealDefaultsNeverNull() {
        for (String command : new String[] {"serve", "generate"}) {
            Object[] r = run(command, "--help");
            assertEquals(0, r[0]);
            assertFalse(r[2].toString().contains("default: null"), r[2].toString());
        }
        assertTrue(run("serve", "--help")[2].toString().contains("gRPC port (default: 50051"));
    }
}
