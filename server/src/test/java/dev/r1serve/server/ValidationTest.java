package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.proto.v1.TokenizeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad field is refused with the right status and a message that names it; never INTERNAL. */
class ValidationTest {

    static Stream<Arguments> badRequests() {
        return Stream.of(
                bad("sampling.temperature", s -> s.setTemperature(-0.1f)),
                bad("sampling.temperature", s -> s.setTemperature(Float.NaN)),
                bad("sampling.top_p", s -> s.setTopP(0f)),
                bad("sampling.top_p", s -> s.setTopP(1.01f)),
                bad("sampling.top_k", s -> s.setTopK(-1)),
                bad("sampling.min_p", s -> s.setMinP(1.5f)),
                bad("sampling.n", s -> s.setN(0)),
                bad("sampling.n", s -> s.setN(65)),
                bad("sampling.max_tokens", s -> s.setMaxTokens(0)),
                bad("sampling.max_tokens", s -> s.setMaxTokens(513)),
                bad("sampling.stop[0]", s -> s.addStop("")),
                bad("sampling.stop", s -> {
                    for (int i = 0; i < 17; i++) {
                        s.addStop("x" + i);
                    }
                    return s;
                }));
    }

    private static Arguments bad(String field, UnaryOperator<SamplingParams.Builder> change) {
        return Arguments.of(field, change.apply(SamplingParams.newBuilder()).build());
    }

    private static void assertRefused(Status.Code code, String field, GenerateRequest request) {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class, () -> TestServer.stub().generate(request));
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(
                e.getStatus().getDescription().startsWith(field + ":"),
                e.getStatus().getDescription());
        StatusRuntimeException streamed = assertThrows(
                StatusRuntimeException.class,
                () -> TestServer.stub().generateStream(request).next());
        assertEquals(code, streamed.getStatus().getCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badSamplingFieldIsInvalidArgumentNamingTheField(String field, SamplingParams sampling) {
        assertRefused(
                Status.Code.INVALID_ARGUMENT,
                field,
                GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPrompt("")
                        .setSampling(sampling)
                        .build());
    }

    @org.junit.jupiter.api.Test
    void unknownModelIsNotFound() {
        assertRefused(
                Status.Code.NOT_FOUND,
                "model",
                GenerateRequest.newBuilder()
                        .setModel("no-such-model")
                        .setPrompt("hi")
                        .build());
    }

    @org.junit.jupiter.api.Test
    void missingModelIsInvalid() {
        assertRefused(
                Status.Code.INVALID_ARGUMENT,
                "model",
                GenerateRequest.newBuilder().setPrompt("hi").build());
    }

    @org.junit.jupiter.api.Test
    void missingInputIsInvalid() {
        assertRefused(
                Status.Code.INVALID_ARGUMENT,
                "prompt",
                GenerateRequest.newBuilder().setModel(TestServer.STORIES).build());
    }

    @org.junit.jupiter.api.Test
    void chatToAModelWithoutATemplateOfItsOwnGetsThePlainTemplate() {
        var r = TestServer.stub()
                .generate(GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setChat(ChatMessages.newBuilder()
                                .addMessages(
                                        ChatMessage.newBuilder().setRole("user").setContent("hi")))
                        .setSampling(
                                dev.r1serve.proto.v1.SamplingParams.newBuilder().setMaxTokens(4))
                        .build());
        assertEquals("User: hi\nAssistant:", r.getRenderedPrompt());
    }

    @org.junit.jupiter.api.Test
    void promptLongerThanTheContextIsInvalid() {
        assertRefused(
                Status.Code.INVALID_ARGUMENT,
                "prompt",
                GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPrompt(" Once upon a time".repeat(200))
                        .build());
    }

    /** (An engine without log-probabilities refusing them is RolloutFieldsTest's: this one has them.) */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {-1, 21})
    void topLogprobsOutsideZeroToTwentyAreInvalid(int top) {
        assertRefused(
                Status.Code.INVALID_ARGUMENT,
                "options.top_logprobs",
                GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPrompt("")
                        .setOptions(GenerateOptions.newBuilder()
                                .setReturnLogprobs(true)
                                .setTopLogprobs(top))
                        .build());
    }

    @org.junit.jupiter.api.Test
    void topLogprobsWithoutReturnLogprobsAreInvalid() {
        assertRefused(
                Status.Code.INVALID_ARGUMENT,
                "options.top_logprobs",
                GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPrompt("")
                        .setOptions(GenerateOptions.newBuilder().setTopLogprobs(2))
                        .build());
    }

    @org.junit.jupiter.api.Test
    void tokenizeOfAnUnknownModelIsNotFound() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> TestServer.stub()
                        .tokenize(TokenizeRequest.newBuilder()
                                .setModel("nope")
                                .setText("x")
                                .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }
}
