package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.engine.remote.RemoteEngine;
import dev.r1serve.server.engine.remote.RemoteEngineOptions;
import dev.r1serve.server.generation.GenerationService;
import dev.r1serve.server.metrics.GenerationMetrics;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.openai.OpenAiHttpServer;
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.scheduling.SchedulerConfig;
import dev.r1serve.server.validation.RequestValidator;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two r1-serve servers over real loopback HTTP: the test server (stories260K in llama.cpp, with its OpenAI
 * front) is the backend of a second r1-serve whose model uses the remote engine, configured as a YAML
 * model would be. Plus a server whose remote backends go down, come back, or trickle forever.
 */
class RemoteEngineEndToEndTest {

    private static R1Server front;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws IOException {
        String backend = "http://127.0.0.1:" + TestServer.get().httpPort();
        String chatBackend = "http://127.0.0.1:" + ScriptedServer.get().httpPort();
        front = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        ModelLoader.loadAll(List.of(
                                ModelConfig.remote(
                                        "remote-stories",
                                        "openai",
                                        List.of(backend),
                                        TestServer.STORIES,
                                        "none",
                                        512,
                                        4),
                                ModelConfig.remote(
                                        "remote-r1-chat",
                                        "openai-chat",
                                        List.of(chatBackend),
                                        ScriptedServer.R1_QWEN2,
                                        "deepseek-r1",
                                        256,
                                        2))),
                        64,
                        ServerOptions.DEFAULTS.withHttpPort(0))
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", front.port())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        front.close();
    }

    private static InferenceServiceGrpc.InferenceServiceBlockingStub remote() {
        return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static GenerateRequest request(String model, SamplingParams.Builder s) {
        return GenerateRequest.newBuilder()
                .setModel(model)
                .setPrompt("")
                .setSampling(s)
                .build();
    }

    @Test
    void chatModeSendsMessagesToTheBackendsChatCompletionsAndSplitsItsReasoning() {
        GenerateRequest chat = GenerateRequest.newBuilder()
                .setModel("remote-r1-chat")
                .setChat(dev.r1serve.proto.v1.ChatMessages.newBuilder()
                        .addMessages(dev.r1serve.proto.v1.ChatMessage.newBuilder()
                                .setRole("user")
                                .setContent("What is 6 times 7?")))
                .setSampling(SamplingParams.newBuilder().setTemperature(0).setMaxTokens(64))
                .build();
        Sample s = remote().generate(chat).getSamples(0);
        assertEquals("Let me think", s.getReasoning(), s.getText());
        assertEquals("The answer is 42", s.getAnswer(), s.getText());
        assertEquals(dev.r1serve.proto.v1.FinishReason.FINISH_REASON_EOS, s.getFinishReason());
    }

    @Test
    void samplesThroughTheRemoteEngineEqualTheBackendsOwnSeedForSeed() {
        SamplingParams.Builder s = SamplingParams.newBuilder()
                .setN(3)
                .setSeed(42)
                .setTemperature(1f)
                .setMaxTokens(24);
        List<Sample> direct =
                TestServer.stub().generate(request(TestServer.STORIES, s)).getSamplesList();
        Iterator<GenerateChunk> it = remote().generateStream(request("remote-stories", s));
        Sample[] streamed = new Sample[3];
        StringBuilder[] deltas = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        it.forEachRemaining(c -> {
            deltas[c.getIndex()].append(c.getTextDelta());
            if (c.hasFinal()) {
                streamed[c.getIndex()] = c.getFinal();
            }
        });
        List<Sample> again = remote().generate(request("remote-stories", s)).getSamplesList();
        for (int i = 0; i < 3; i++) {
            assertNotNull(streamed[i]);
            assertEquals(direct.get(i).getText(), streamed[i].getText(), "sample " + i);
            assertEquals(direct.get(i).getText(), deltas[i].toString());
            assertEquals(direct.get(i).getSeed(), streamed[i].getSeed());
            assertEquals(direct.get(i).getFinishReason(), streamed[i].getFinishReason());
            assertEquals(
                    direct.get(i).getUsage().getCompletionTokens(),
                    streamed[i].getUsage().getCompletionTokens());
            assertEquals(direct.get(i).getText(), again.get(i).getText());
        }
        assertFalse(direct.get(0).getText().equals(direct.get(1).getText()));
    }

    /** Penalties reach an OpenAI-compatible backend as such: the same samples as asking the backend directly. */
    @Test
    void penaltiesPassThroughToTheBackend() {
        SamplingParams.Builder s = SamplingParams.newBuilder()
                .setSeed(8)
                .setTemperature(1f)
                .setMaxTokens(40)
                .setFrequencyPenalty(1.5f)
                .setPresencePenalty(-0.5f);
        String direct = TestServer.stub()
                .generate(request(TestServer.STORIES, s))
                .getSamples(0)
                .getText();
        assertEquals(
                direct,
                remote().generate(request("remote-stories", s)).getSamples(0).getText());
        assertFalse(direct.equals(TestServer.stub()
                .generate(request(
                        TestServer.STORIES, s.clone().clearFrequencyPenalty().clearPresencePenalty()))
                .getSamples(0)
                .getText()));
    }

    @Test
    void stopStringsAndListModels() {
        SamplingParams.Builder s =
                SamplingParams.newBuilder().setSeed(5).setTemperature(0f).setMaxTokens(40);
        String full = TestServer.stub()
                .generate(request(TestServer.STORIES, s))
                .getSamples(0)
                .getText();
        String stop = full.substring(15, 19);
        s.addStop(stop);
        Sample direct =
                TestServer.stub().generate(request(TestServer.STORIES, s)).getSamples(0);
        Sample viaRemote = remote().generate(request("remote-stories", s)).getSamples(0);
        assertEquals(FinishReason.FINISH_REASON_STOP, viaRemote.getFinishReason());
        assertEquals(direct.getText(), viaRemote.getText());
        assertEquals(full.substring(0, full.indexOf(stop)), viaRemote.getText());
        var info = remote().listModels(dev.r1serve.proto.v1.ListModelsRequest.getDefaultInstance())
                .getModels(0);
        assertEquals("openai", info.getEngine());
        assertEquals(4, info.getSlots());
    }

    @Test
    void openAiFrontOverTheRemoteEngineMatchesTheBackendsFront() {
        String body = "{\"model\":\"%s\",\"prompt\":\"\",\"max_tokens\":20,\"seed\":9,\"n\":2}";
        var direct = OpenAiHttp.post(TestServer.get().httpPort(), "/v1/completions", body.formatted("stories"));
        var twoHops = OpenAiHttp.post(front.httpPort(), "/v1/completions", body.formatted("remote-stories"));
        assertEquals(200, twoHops.status(), twoHops.body().toString());
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    direct.body().get("choices").get(i).get("text"),
                    twoHops.body().get("choices").get(i).get("text"));
        }
    }

    @Test
    void cancellingTheCallFreesSlotsOnBothServers() throws Exception {
        HostedModel remoteModel = front.models().find("remote-stories").orElseThrow();
        HostedModel backendModel =
                TestServer.get().models().find(TestServer.STORIES).orElseThrow();
        Context.CancellableContext ctx = Context.current().withCancellation();
        Iterator<GenerateChunk> it = ctx.call(() -> remote().generateStream(request(
                "remote-stories",
                SamplingParams.newBuilder().setN(2).setMaxTokens(480).setSeed(1))));
        assertTrue(it.hasNext());
        it.next();
        ctx.cancel(null);
        awaitTrue(
                () -> remoteModel.engine().busySlots() == 0
                        && remoteModel.scheduler().runningSequences() == 0,
                "the remote engine's slots are free");
        awaitTrue(
                () -> backendModel.engine().busySlots() == 0
                        && backendModel.scheduler().runningSequences() == 0,
                "the backend's slots are free");
    }

    @Test
    void backendDownIsUnavailableFastTheCircuitOpensAndClosesWhenItRecovers() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // nothing listens here until the backend "recovers"
        }
        RemoteEngine engine = new RemoteEngine(
                "flaky",
                RemoteEngineOptions.of(
                                RemoteEngineOptions.Protocol.OPENAI,
                                List.of(URI.create("http://127.0.0.1:" + port)),
                                TestServer.STORIES)
                        .withContextLength(512)
                        .withRetries(0)
                        .withHealth("/health", Duration.ofMillis(200))
                        .withBreaker(new RemoteEngineOptions.Breaker(4, 2, 50, Duration.ofMillis(500))));
        ModelRegistry models = new ModelRegistry()
                .add(new HostedModel(
                        "flaky",
                        "openai",
                        engine,
                        ChatTemplate.NONE,
                        64,
                        new Scheduler(engine, SchedulerConfig.defaults())));
        try (R1Server server = R1Server.onPort("127.0.0.1", 0, models, 64, ServerOptions.DEFAULTS.withHttpPort(0))
                .start()) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            try {
                var stub = InferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
                GenerateRequest req = request(
                        "flaky", SamplingParams.newBuilder().setMaxTokens(8).setSeed(3));
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.generate(req));
                    assertEquals(
                            Status.Code.UNAVAILABLE,
                            e.getStatus().getCode(),
                            e.getStatus().toString());
                    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
                }
                assertEquals("OPEN", engine.circuitState(0));
                assertFalse(engine.isHealthy());
                var http =
                        OpenAiHttp.post(server.httpPort(), "/v1/completions", "{\"model\":\"flaky\",\"prompt\":\"\"}");
                assertEquals(503, http.status());
                assertNotNull(http.retryAfter());

                TestServer.get();
                ModelRegistry backendModels = TestServer.get().models();
                try (GenerationService backendGenerations =
                                new GenerationService(backendModels, new GenerationMetrics(new PrometheusRegistry()));
                        OpenAiHttpServer recovered = new OpenAiHttpServer(
                                        "127.0.0.1",
                                        port,
                                        backendGenerations,
                                        new RequestValidator(backendModels, 64),
                                        null,
                                        () -> false)
                                .start()) {
                    awaitTrue(
                            () -> {
                                try {
                                    return stub.generate(req).getSamples(0).getFinishReason()
                                            != FinishReason.FINISH_REASON_ERROR;
                                } catch (StatusRuntimeException e) {
                                    return false;
                                }
                            },
                            "a call succeeds after the backend is back");
                    assertEquals("CLOSED", engine.circuitState(0));
                    awaitTrue(engine::isHealthy, "healthy again");
                }
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void clientDisconnectFromTheHttpFrontCancelsTheBackendStreamAndAFullQueueIs429() throws Exception {
        AtomicInteger backendSawDisconnect = new AtomicInteger();
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        slow.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                OutputStream out = ex.getResponseBody();
                if (ex.getRequestURI().getPath().equals("/tokenize")) {
                    byte[] b = "{\"tokens\":[1],\"count\":1}".getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, b.length);
                    out.write(b);
                    return;
                }
                if (!ex.getRequestURI().getPath().equals("/v1/completions")) {
                    ex.sendResponseHeaders(200, -1);
                    return;
                }
                ex.sendResponseHeaders(200, 0);
                for (int i = 0; i < 2000; i++) {
                    out.write("data: {\"choices\":[{\"text\":\"x\",\"finish_reason\":null}]}\n\n"
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                backendSawDisconnect.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slow.start();
        RemoteEngine engine = new RemoteEngine(
                "slow",
                RemoteEngineOptions.of(
                                RemoteEngineOptions.Protocol.OPENAI,
                                List.of(URI.create(
                                        "http://127.0.0.1:" + slow.getAddress().getPort())),
                                "slow")
                        .withMaxInFlight(1));
        Scheduler scheduler = new Scheduler(engine, new SchedulerConfig(1, Duration.ofMinutes(1)));
        ModelRegistry models =
                new ModelRegistry().add(new HostedModel("slow", "openai", engine, ChatTemplate.NONE, 64, scheduler));
        try (R1Server server = R1Server.onPort("127.0.0.1", 0, models, 64, ServerOptions.DEFAULTS.withHttpPort(0))
                .start()) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<InputStream> r = client.send(
                    HttpRequest.newBuilder(OpenAiHttp.uri(server.httpPort(), "/v1/completions"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"slow\",\"prompt\":\"go\",\"max_tokens\":4000,\"stream\":true}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("data: "));
            assertEquals(1, engine.busySlots());

            var refused = OpenAiHttp.post(
                    server.httpPort(), "/v1/completions", "{\"model\":\"slow\",\"prompt\":\"go\",\"n\":2}");
            assertEquals(429, refused.status(), refused.body().toString());
            assertEquals("overloaded", refused.body().get("error").get("code").asText());
            assertNotNull(refused.retryAfter());

            in.close();
            client.shutdownNow();
            awaitTrue(() -> backendSawDisconnect.get() == 1, "the backend saw the stream closed");
            awaitTrue(() -> engine.busySlots() == 0 && scheduler.runningSequences() == 0, "slots are free");
        } finally {
            slow.stop(0);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(25);
        }
    }
}
