package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code r1 serve} as a real process: SIGTERM drains work in flight, then the process exits 0. */
class ServeProcessTest {

    @TempDir
    Path home;

    Process process;
    ManagedChannel channel;
    /** What the process printed up to its "listening" line. */
    final List<String> startup = new ArrayList<>();

    private int startServer(String... extra) throws Exception {
        return startServer(List.of(), extra);
    }

    private int startServer(List<String> jvmOptions, String... extra) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-Dde.kherud.llama.tmpdir=" + Files.createDirectories(home.resolve("jllama")),
                "-cp",
                System.getProperty("java.class.path"),
                R1.class.getName(),
                "serve",
                "--model",
                "stories260k",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port)));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("R1_HOME", home.toString());
        process = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
            startup.add(line);
            if (line.startsWith("r1-serve listening on")) {
                break;
            }
        }
        Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> {})); // keep the pipe drained
        channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        return port;
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static GenerateRequest longStory() {
        return GenerateRequest.newBuilder()
                .setModel("stories260k")
                .setPrompt("")
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(1)
                        .setMaxTokens(480)
                        .setN(4)
                        .setSeed(1))
                .build();
    }

    private ServingStatus health() {
        // generous: the first call also connects, which takes seconds on a loaded 2-core machine
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(15, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("stories260k").build())
                .getStatus();
    }

    @Test
    void sigtermTurnsHealthNotServingRefusesNewWorkLetsWorkInFlightFinishAndExitsZero() throws Exception {
        startServer("--drain-timeout", "30");
        assertEquals(ServingStatus.SERVING, health());
        Iterator<GenerateChunk> stream =
                InferenceServiceGrpc.newBlockingStub(channel).generateStream(longStory());
        stream.next();

        process.destroy(); // SIGTERM
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ServingStatus status = ServingStatus.SERVING;
        while (status == ServingStatus.SERVING && System.nanoTime() < deadline) {
            status = health();
        }
        assertEquals(ServingStatus.NOT_SERVING, status);
        StatusRuntimeException refused = assertThrows(
                StatusRuntimeException.class,
                () -> InferenceServiceGrpc.newBlockingStub(channel).generate(longStory()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());

        List<Sample> finals = new ArrayList<>();
        stream.forEachRemaining(c -> {
            if (c.hasFinal()) {
                finals.add(c.getFinal());
            }
        });
        assertEquals(4, finals.size());
        for (Sample s : finals) {
            assertTrue(
                    s.getFinishReason() == FinishReason.FINISH_REASON_LENGTH
                            || s.getFinishReason() == FinishReason.FINISH_REASON_EOS,
                    s.getFinishReason().toString());
        }
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
    }

    @Test
    void workStillRunningAtTheDrainTimeoutIsCancelledAndTheProcessStillExitsZero() throws Exception {
        startServer("--drain-timeout", "0");
        GenerateRequest slow = GenerateRequest.newBuilder()
                .setModel("stories260k")
                .setPrompt("")
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(1)
                        .setMaxTokens(480)
                        .setN(64)
                        .setSeed(2))
                .build();
        Iterator<GenerateChunk> stream =
                InferenceServiceGrpc.newBlockingStub(channel).generateStream(slow);
        stream.next();
        process.destroy();
        assertThrows(StatusRuntimeException.class, () -> stream.forEachRemaining(c -> {}));
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
    }

    @Test
    void theNativeLoadersExtractionLineIsNotPrintedAtStart() throws Exception {
        startServer();
        assertTrue(startup.get(startup.size() - 1).startsWith("r1-serve listening on"), startup.toString());
        assertTrue(startup.stream().noneMatch(l -> l.contains("Extracted '")), startup.toString());
    }

    /**
     * Slowloris: connections that send their headers a byte at a time are closed once the request time limit
     * passes (2 s here, 30 s by default), while a normal request on the same server is answered.
     */
    @Test
    void slowHeaderConnectionsAreClosedAndLegitimateRequestsStillServed() throws Exception {
        startServer(List.of("-Dsun.net.httpserver.maxReqTime=2"), "--http-port", "0");
        String listening = startup.get(startup.size() - 1);
        int http = Integer.parseInt(listening.replaceAll(".*OpenAI API on http port (\\d+).*", "$1"));
        List<java.net.Socket> slow = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            java.net.Socket s = new java.net.Socket("127.0.0.1", http);
            s.setSoTimeout(8_000);
            // Half of them never finish their headers; the others promise a body they never finish sending.
            s.getOutputStream()
                    .write((i % 2 == 0
                                    ? "GET /v1/models HTTP/1.1\r\nHost: x\r\n"
                                    : "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"model\":")
                            .getBytes());
            slow.add(s);
        }
        var models = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + http + "/v1/models"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, models.statusCode());
        long start = System.nanoTime();
        for (java.net.Socket s : slow) {
            try (s) {
                // Keep trickling header bytes; the server must close the connection (read -1 or a reset).
                int read = 0;
                try {
                    while (read >= 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
                        s.getOutputStream().write('X');
                        s.setSoTimeout(200);
                        try {
                            read = s.getInputStream().read();
                        } catch (java.net.SocketTimeoutException e) {
                            read = 0;
                        }
                    }
                } catch (java.io.IOException closed) {
                    read = -1;
                }
                assertEquals(-1, read, "connection still open after 8 s");
            }
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8));
    }
}
