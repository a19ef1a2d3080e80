package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.PromptTokenIds;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded llama.cpp engine refuses log-probabilities by name (java-llama.cpp 4.2.0 would abort the JVM,
 * so the path is never taken), says so in ListModels, and takes prompts as token ids.
 */
class LlamaLogprobsRefusalTest {

    @Test
    void logprobsAreRefusedWithTheModelAndTheReason() {
        var e = assertThrows(
                StatusRuntimeException.class,
                () -> TestServer.stub()
                        .generate(GenerateRequest.newBuilder()
                                .setModel(TestServer.STORIES)
                                .setPrompt("Once")
                                .setOptions(GenerateOptions.newBuilder().setReturnLogprobs(true))
                                .build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals(ErrorReason.UNSUPPORTED, ErrorDetails.reason(e).orElseThrow());
        String m = e.getStatus().getDescription();
        assertTrue(
                m.startsWith("options.return_logprobs:")
                        && m.contains("'" + TestServer.STORIES + "'")
                        && m.contains("java-llama.cpp 4.2.0"),
                m);

        var info = TestServer.stub().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .filter(x -> x.getName().equals(TestServer.STORIES))
                .findFirst()
                .orElseThrow();
        assertFalse(info.getCapabilities().getLogprobs());
        assertTrue(
                info.getCapabilities().getLogprobsUnavailableReason().contains("does not compute log-probabilities"));
    }

    @Test
    void promptTokenIdsGiveTheSameSampleAsTheTextTheyTokenizeTo() {
        SamplingParams.Builder s = SamplingParams.newBuilder().setTemperature(0).setMaxTokens(8);
        Sample fromText = TestServer.stub()
                .generate(GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPrompt("Once upon a time")
                        .setSampling(s)
                        .setOptions(GenerateOptions.newBuilder()
                                .setReturnPromptTokenIds(true)
                                .setReturnTokenIds(true))
                        .build())
                .getSamples(0);
        List<Integer> ids = fromText.getPromptTokenIdsList();
        assertFalse(ids.isEmpty());
        Sample fromIds = TestServer.stub()
                .generate(GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPromptTokenIds(PromptTokenIds.newBuilder().addAllIds(ids))
                        .setSampling(s)
                        .setOptions(GenerateOptions.newBuilder()
                                .setReturnPromptTokenIds(true)
                                .setReturnTokenIds(true))
                        .build())
                .getSamples(0);
        assertEquals(ids, fromIds.getPromptTokenIdsList());
        assertEquals(fromText.getText(), fromIds.getText());
        assertEquals(fromText.getTokenIdsList(), fromIds.getTokenIdsList());
    }
}
