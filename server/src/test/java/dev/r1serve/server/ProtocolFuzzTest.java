package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.SamplingParams;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10,000 random and mutated requests, as bytes on the wire (so also invalid UTF-8, truncated fields and
 * junk): every answer is a clean status other than INTERNAL or UNKNOWN, and the server stays healthy
 * and correct afterwards.
 */
class ProtocolFuzzTest {

    private static final int REQUESTS = 10_000;
    private static final int IN_FLIGHT = 32;

    /** Generate and GenerateStream with raw bytes for requests, so the fuzzer controls every byte. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> m) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(m.getType())
                .setFullMethodName(m.getFullMethodName())
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    @Test
    void randomAndMutatedRequestsAllGetCleanStatusesAndTheServerStaysHealthy() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", TestServer.get().port())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        MethodDescriptor<byte[], byte[]> unary = raw(InferenceServiceGrpc.getGenerateMethod());
        MethodDescriptor<byte[], byte[]> stream = raw(InferenceServiceGrpc.getGenerateStreamMethod());
        MethodDescriptor<byte[], byte[]> tokenize = raw(InferenceServiceGrpc.getTokenizeMethod());
        Random random = new Random(20261128);
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(REQUESTS);
        Map<Status.Code, AtomicInteger> codes = new ConcurrentHashMap<>();
        Map<String, String> bad = new ConcurrentHashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            byte[] body = mutate(random);
            int pick = random.nextInt(10);
            MethodDescriptor<byte[], byte[]> method = pick < 6 ? unary : pick < 9 ? stream : tokenize;
            inFlight.acquire();
            ClientCall<byte[], byte[]> call =
                    channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
            call.start(
                    new ClientCall.Listener<>() {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            codes.computeIfAbsent(status.getCode(), c -> new AtomicInteger())
                                    .incrementAndGet();
                            if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN) {
                                bad.putIfAbsent(
                                        status.toString(),
                                        java.util.HexFormat.of().formatHex(body, 0, Math.min(body.length, 64)));
                            }
                            inFlight.release();
                            done.countDown();
                        }
                    },
                    new Metadata());
            call.request(Integer.MAX_VALUE);
            call.sendMessage(body);
            call.halfClose();
        }
        assertTrue(done.await(120, TimeUnit.SECONDS), "all calls answered");
        System.out.println("fuzz status counts: " + codes);
        assertTrue(bad.isEmpty(), "INTERNAL/UNKNOWN answers: " + bad);
        assertTrue(codes.getOrDefault(Status.Code.INVALID_ARGUMENT, new AtomicInteger())
                        .get()
                > REQUESTS / 4);
        assertTrue(codes.getOrDefault(Status.Code.OK, new AtomicInteger()).get() > 100, "some requests were valid");

        assertEquals(
                ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus());
        String golden = TestServer.stub()
                .generate(TestServer.stories(
                                SamplingParams.newBuilder().setTemperature(0).setMaxTokens(60))
                        .build())
                .getSamples(0)
                .getText();
        assertEquals(StoriesGoldenTest.GOLDEN, golden);
        channel.shutdownNow();
    }

    /** A request: valid-ish with random fields, then sometimes corrupted at the byte level. */
    private static byte[] mutate(Random r) {
        GenerateRequest.Builder b = GenerateRequest.newBuilder()
                .setModel(TestServer.STORIES)
                .setPrompt("")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(1 + r.nextInt(2)));
        SamplingParams.Builder s = b.getSamplingBuilder();
        int mutations = 1 + r.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (r.nextInt(16)) {
                case 0 -> s.setTemperature(randomFloat(r));
                case 1 -> s.setTopP(randomFloat(r));
                case 2 -> s.setTopK(randomInt(r));
                case 3 -> s.setMinP(randomFloat(r));
                // Valid values stay small: the fuzz is about shapes, not about generating a lot.
                case 4 -> s.setN(r.nextBoolean() ? 1 + r.nextInt(3) : randomInt(r));
                case 5 -> s.setMaxTokens(r.nextBoolean() ? 1 + r.nextInt(3) : randomInt(r));
                case 6 -> s.setSeed(r.nextLong());
                case 7 -> s.addStop(randomString(r, r.nextInt(10) == 0 ? 100_000 : 20));
                case 8 -> b.setPrompt(randomString(r, r.nextInt(20) == 0 ? 1_200_000 : 50));
                case 9 -> b.setModel(r.nextBoolean() ? randomString(r, 40) : "");
                case 10 ->
                    b.setChat(ChatMessages.newBuilder()
                            .addMessages(ChatMessage.newBuilder()
                                    .setRole(r.nextBoolean() ? "user" : randomString(r, 8))
                                    .setContent(randomString(r, 30))));
                case 11 -> b.setPriority(randomInt(r));
                case 12 -> b.setRequestId(randomString(r, 100));
                case 13 ->
                    b.setOptions(GenerateOptions.newBuilder()
                            .setReturnLogprobs(r.nextBoolean())
                            .setReturnTokenIds(r.nextBoolean())
                            .setPrefillThink(r.nextBoolean()));
                case 14 -> {
                    for (int k = 0; k < 20; k++) {
                        s.addStop("s" + k);
                    }
                }
                default -> b.clearInput();
            }
        }
        byte[] bytes = b.build().toByteArray();
        return switch (r.nextInt(8)) {
            case 0 -> withInvalidUtf8Stop(b.build());
            case 1 -> flipBytes(bytes, r);
            case 2 -> bytes.length > 1 ? java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length)) : bytes; // truncated
            case 3 -> randomBytes(r);
            default -> bytes;
        };
    }

    /** A stop string whose bytes are not UTF-8 (0xC3 0x28), which no protobuf builder would write. */
    private static byte[] withInvalidUtf8Stop(GenerateRequest request) {
        ByteArrayOutputStream stop = new ByteArrayOutputStream();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(stop);
            out.writeBytes(7, ByteString.copyFrom(new byte[] {(byte) 0xC3, 0x28}));
            out.flush();
            SamplingParams merged = SamplingParams.parseFrom(
                    request.getSampling().toByteString().concat(ByteString.copyFrom(stop.toByteArray())),
                    com.google.protobuf.ExtensionRegistryLite.getEmptyRegistry());
            return request.toBuilder().setSampling(merged).build().toByteArray();
        } catch (Exception e) {
            // protobuf-java refused to carry it: write the field by hand into the request bytes instead
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(all);
                out.writeString(1, request.getModel());
                out.writeBytes(4, ByteString.copyFrom(stop.toByteArray()));
                out.flush();
            } catch (java.io.IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
            return all.toByteArray();
        }
    }

    private static byte[] flipBytes(byte[] bytes, Random r) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < 1 + r.nextInt(4) && copy.length > 0; i++) {
            copy[r.nextInt(copy.length)] = (byte) r.nextInt(256);
        }
        return copy;
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(200)];
        r.nextBytes(b);
        return b;
    }

    private static float randomFloat(Random r) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f, 0f, 1f, 1e30f, -0f};
        return r.nextBoolean() ? specials[r.nextInt(specials.length)] : (r.nextFloat() * 4 - 2);
    }

    private static int randomInt(Random r) {
        int[] specials = {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 513, 1_000_000};
        return r.nextBoolean() ? specials[r.nextInt(specials.length)] : r.nextInt();
    }

    private static String randomString(Random r, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            sb.appendCodePoint(
                    kind < 6
                            ? 32 + r.nextInt(95)
                            : kind < 8 ? 0x4E00 + r.nextInt(500) : kind < 9 ? 0x1F600 + r.nextInt(50) : r.nextInt(32));
        }
        return sb.toString();
    }
}
