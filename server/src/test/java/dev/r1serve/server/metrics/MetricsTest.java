package dev.r1serve.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.OpenAiHttp;
import dev.r1serve.server.OpsServers;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.ServerOptions;
import dev.r1serve.server.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The /metrics endpoint after a known workload: 3 requests with n = 2 and max_tokens = 5, and one bad one. */
class MetricsTest {

    private static final String M = TestServer.STORIES;
    private static R1Server server;
    private static ManagedChannel channel;
    private static final List<Sample> samples = new ArrayList<>();
    private static MetricsScrape scrape;

    @BeforeAll
    static void runWorkload() throws Exception {
        server = OpsServers.start(ServerOptions.DEFAULTS.withMetricsPort(0).withHttpPort(0));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        var stub = InferenceServiceGrpc.newBlockingStub(channel);
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModel(M)
                .setPrompt("Once upon a time")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(5).setN(2).setSeed(1))
                .build();
        for (int i = 0; i < 2; i++) {
            GenerateResponse r = stub.generate(request);
            samples.addAll(r.getSamplesList());
        }
        stub.generateStream(request).forEachRemaining((GenerateChunk c) -> {
            if (c.hasFinal()) {
                samples.add(c.getFinal());
            }
        });
        StatusRuntimeException bad = assertThrows(
                StatusRuntimeException.class,
                () -> stub.generate(request.toBuilder()
                        .setSampling(SamplingParams.newBuilder().setTopP(1.5f))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        // The OpenAI front, without generating: a listing, a refused parameter, an unknown route.
        assertEquals(200, OpenAiHttp.get(server.httpPort(), "/v1/models").status());
        assertEquals(
                400,
                OpenAiHttp.post(
                                server.httpPort(),
                                "/v1/chat/completions",
                                "{\"model\":\"" + M + "\",\"messages\":[],\"presence_penalty\":1}")
                        .status());
        assertEquals(404, OpenAiHttp.get(server.httpPort(), "/v1/nothing").status());
        scrape = MetricsScrape.of(server.metricsPort());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void tokenCountersMatchTheWorkload() {
        assertEquals(6, samples.size());
        assertEquals(30, scrape.value("r1_generation_tokens_total", "model", M));
        int prompt =
                samples.stream().mapToInt(s -> s.getUsage().getPromptTokens()).sum();
        assertTrue(prompt > 0);
        assertEquals(prompt, scrape.value("r1_prompt_tokens_total", "model", M));
    }

    @Test
    void successCountsSamplesByFinishReason() {
        assertEquals(6, scrape.value("r1_request_success_total", "model", M, "finish_reason", "length"));
        assertEquals(6, scrape.value("r1_request_success_total", "model", M));
    }

    @Test
    void callsAreCountedByMethodAndStatusCode() {
        assertEquals(2, scrape.value("r1_requests_total", "front", "grpc", "method", "Generate", "code", "OK"));
        assertEquals(1, scrape.value("r1_requests_total", "front", "grpc", "method", "GenerateStream", "code", "OK"));
        assertEquals(1, scrape.value("r1_requests_total", "front", "grpc", "code", "INVALID_ARGUMENT"));
    }

    @Test
    void openAiRequestsAreCountedWithTheHttpFrontLabelAndTheirGrpcCode() {
        assertEquals(1, scrape.value("r1_requests_total", "front", "http", "method", "/v1/models", "code", "OK"));
        assertEquals(
                1,
                scrape.value(
                        "r1_requests_total",
                        "front",
                        "http",
                        "method",
                        "/v1/chat/completions",
                        "code",
                        "INVALID_ARGUMENT"));
        assertEquals(1, scrape.value("r1_requests_total", "front", "http", "method", "other", "code", "NOT_FOUND"));
        assertEquals(3, scrape.value("r1_requests_total", "front", "http"));
    }

    @Test
    void latencyHistogramsHaveOneObservationPerSample() {
        for (String h : List.of(
                "r1_time_to_first_token_seconds", "r1_e2e_request_latency_seconds", "r1_request_queue_time_seconds")) {
            assertEquals(6, scrape.value(h + "_count", "model", M), h);
            assertEquals(6, scrape.value(h + "_bucket", "model", M, "le", "+Inf"), h);
        }
        double e2e = samples.stream()
                .mapToDouble(s -> s.getTimings().getTotalMs() / 1e3)
                .sum();
        assertEquals(e2e, scrape.value("r1_e2e_request_latency_seconds_sum", "model", M), 1e-6);
        // One observation per gap between tokens (4 per 5-token sample), summing to the decode time.
        assertEquals(24, scrape.value("r1_inter_token_latency_seconds_count", "model", M));
        double decode = samples.stream()
                .mapToDouble(s -> s.getTimings().getDecodeMs() / 1e3)
                .sum();
        assertEquals(decode, scrape.value("r1_inter_token_latency_seconds_sum", "model", M), 1e-6);
    }

    @Test
    void requestParamsAreObservedOncePerValidRequest() {
        assertEquals(3, scrape.value("r1_request_params_n_count", "model", M));
        assertEquals(6, scrape.value("r1_request_params_n_sum", "model", M));
        assertEquals(15, scrape.value("r1_request_params_max_tokens_sum", "model", M));
    }

    @Test
    void engineGaugesAndJvmMetricsAreExported() {
        assertEquals(4, scrape.value("r1_engine_slots", "model", M));
        assertEquals(0, scrape.value("r1_num_requests_running", "model", M));
        assertEquals(0, scrape.value("r1_num_requests_waiting", "model", M));
        assertEquals(0, scrape.value("r1_engine_slots_busy", "model", M));
        assertTrue(scrape.has("jvm_memory_used_bytes"));
        assertTrue(scrape.has("jvm_threads_current"));
    }
}
