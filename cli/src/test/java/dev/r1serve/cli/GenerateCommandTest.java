package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code r1 generate} against a real server on a loopback port. */
class GenerateCommandTest {

    static R1Server server;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir")));
        server = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        ModelLoader.loadAll(List.of(
                                ModelConfig.llamaCpp("stories260k", BuiltinModels.STORIES_260K, null, null, 2, 1))),
                        64)
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new R1());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void jsonPrintsOneObjectPerSampleWithTheContractFields() throws Exception {
        String[] r = run(
                "generate",
                "--server",
                "127.0.0.1:" + server.port(),
                "--json",
                "--max-tokens",
                "5",
                "--seed",
                "3",
                "--n",
                "2",
                "");
        assertEquals("0", r[0], r[2]);
        List<String> lines = r[1].lines().toList();
        assertEquals(2, lines.size(), r[1]);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < 2; i++) {
            JsonNode o = mapper.readTree(lines.get(i));
            for (String field : List.of("text", "reasoning", "answer", "finish_reason", "usage", "seed")) {
                assertTrue(o.has(field), field + " in " + o);
            }
            assertEquals("length", o.get("finish_reason").asText());
            assertEquals(5, o.get("usage").get("completion_tokens").asInt());
        }
        assertEquals(3, mapper.readTree(lines.get(0)).get("seed").asLong());
    }

    @Test
    void streamingPrintsTheGreedyStoryAndASummary() {
        String[] r = run(
                "generate", "--server", "127.0.0.1:" + server.port(), "--temperature", "0", "--max-tokens", "60", "");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith(" Once upon a time, there was a little girl named Lily."), r[1]);
        assertTrue(r[1].contains("[finish=length tokens=60"), r[1]);
    }

    @Test
    void anUnknownModelIsAClearErrorAndExitCode1() {
        String[] r = run("generate", "--server", "127.0.0.1:" + server.port(), "--model", "nope", "hi");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("model 'nope' is not hosted"), r[2]);
    }

    @Test
    void badSamplingIsReportedWithTheFieldName() {
        String[] r = run("generate", "--server", "127.0.0.1:" + server.port(), "--top-p", "1.5", "");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("INVALID_ARGUMENT: sampling.top_p"), r[2]);
    }

    @Test
    void aDeadServerIsCannotConnectConnectionRefusedInOneLine() throws Exception {
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            free = s.getLocalPort();
        }
        String[] r = run("generate", "--server", "127.0.0.1:" + free, "hi");
        assertEquals("1", r[0]);
        assertEquals("error: cannot connect to 127.0.0.1:" + free + " (connection refused)", r[2].strip());
    }

    @Test
    void anUnresolvableHostIsOneLineWithoutGrpcWarningTraces() {
        List<java.util.logging.LogRecord> grpcLogs = new java.util.ArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                grpcLogs.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger grpc = java.util.logging.Logger.getLogger("io.grpc");
        grpc.addHandler(capture);
        try {
            String[] r = run("generate", "--server", "no-such-host.invalid:50051", "hi");
            assertEquals("1", r[0]);
            assertEquals(
                    "error: cannot connect to no-such-host.invalid:50051 (unknown host no-such-host.invalid)",
                    r[2].strip());
            assertTrue(
                    grpcLogs.stream()
                            .noneMatch(l -> l.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()),
                    grpcLogs.stream()
                            .map(java.util.logging.LogRecord::getMessage)
                            .toList()
                            .toString());
        } finally {
            grpc.removeHandler(capture);
        }
    }
}
