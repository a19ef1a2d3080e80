package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * R1 chat templates, the reasoning split with and without a pre-filled {@code <think>}, several hosted
 * models, and UTF-8 streaming, through the real server on scripted GGUF models in llama.cpp.
 */
class ReasoningAndUtf8Test {

    private static GenerateRequest.Builder chat(String model, String question) {
        return GenerateRequest.newBuilder()
                .setModel(model)
                .setChat(ChatMessages.newBuilder()
                        .addMessages(ChatMessage.newBuilder().setRole("user").setContent(question)))
                .setSampling(SamplingParams.newBuilder().setTemperature(0).setMaxTokens(64));
    }

    @ParameterizedTest
    @ValueSource(strings = {ScriptedServer.R1_QWEN2, ScriptedServer.R1_LLAMA})
    void withTheTemplatesThinkPrefillTheCompletionStartsInsideTheReasoning(String model) {
        GenerateResponse r =
                ScriptedServer.stub().generate(chat(model, "What is 6 times 7?").build());
        assertTrue(
                r.getRenderedPrompt().endsWith("<｜User｜>What is 6 times 7?<｜Assistant｜><think>\n"),
                r.getRenderedPrompt());
        Sample s = r.getSamples(0);
        assertEquals("Let me think</think>\n\nThe answer is 42", s.getText());
        assertEquals("Let me think", s.getReasoning());
        assertEquals("The answer is 42", s.getAnswer());
        assertEquals(FinishReason.FINISH_REASON_EOS, s.getFinishReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {ScriptedServer.R1_QWEN2, ScriptedServer.R1_LLAMA})
    void withoutPrefillTheModelOpensItsOwnThinkBlock(String model) {
        Sample s = ScriptedServer.stub()
                .generate(chat(model, "What is 6 times 7?")
                        .setOptions(GenerateOptions.newBuilder().setPrefillThink(false))
                        .build())
                .getSamples(0);
        assertEquals("<think>\nLet me think</think>\n\nThe answer is 42", s.getText());
        assertEquals("Let me think", s.getReasoning());
        assertEquals("The answer is 42", s.getAnswer());
    }

    @Test
    void truncatedReasoningHasNoAnswer() {
        Sample s = ScriptedServer.stub()
                .generate(chat(ScriptedServer.R1_QWEN2, "q")
                        .setSampling(
                                SamplingParams.newBuilder().setTemperature(0).setMaxTokens(3))
                        .build())
                .getSamples(0);
        assertEquals("Let me think", s.getText());
        assertEquals("Let me think", s.getReasoning());
        assertEquals("", s.getAnswer());
        assertEquals(FinishReason.FINISH_REASON_LENGTH, s.getFinishReason());
    }

    @Test
    void aStopStringInsideTheReasoningEndsTheSample() {
        Sample s = ScriptedServer.stub()
                .generate(chat(ScriptedServer.R1_QWEN2, "q")
                        .setSampling(SamplingParams.newBuilder()
                                .setTemperature(0)
                                .setMaxTokens(64)
                                .addStop("</think>"))
                        .build())
                .getSamples(0);
        assertEquals("Let me think", s.getText());
        assertEquals(FinishReason.FINISH_REASON_STOP, s.getFinishReason());
    }

    @Test
    void severalModelsAreHostedAtOnce() {
        List<String> names =
                ScriptedServer.stub().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                        .map(m -> m.getName() + ":" + m.getTemplate())
                        .toList();
        assertEquals(List.of("r1-qwen2:deepseek-r1", "r1-llama:deepseek-r1", "utf8:qwen2.5"), names);
    }

    @Test
    void multiByteCharactersSplitAcrossTokensNeverStreamAsReplacementCharacters() {
        GenerateRequest request = chat(ScriptedServer.UTF8, "Say it in Chinese")
                .setOptions(GenerateOptions.newBuilder().setReturnTokenIds(true))
                .build();
        List<GenerateChunk> chunks = TestServer.drain(ScriptedServer.stub().generateStream(request));
        StringBuilder streamed = new StringBuilder();
        for (GenerateChunk c : chunks) {
            assertFalse(c.getTextDelta().contains("\uFFFD"), "U+FFFD streamed in " + chunks);
            streamed.append(c.getTextDelta());
        }
        Sample s = chunks.get(chunks.size() - 1).getFinal();
        assertEquals("中文", streamed.toString());
        assertEquals("中文", s.getText());
        // Four generated pieces (each character cut after its second byte) and the end-of-sequence token.
        assertEquals(5, s.getUsage().getCompletionTokens(), s.toString());
        assertEquals(FinishReason.FINISH_REASON_EOS, s.getFinishReason());
    }
}
