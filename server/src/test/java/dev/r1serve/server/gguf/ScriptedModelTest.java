package dev.r1serve.server.gguf;

import static dev.r1serve.server.gguf.LlamaTestModels.greedy;
import static dev.r1serve.server.gguf.LlamaTestModels.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import dev.r1serve.testkit.ByteLevelBpeVocab;
import dev.r1serve.testkit.TinyModelGenerator;
import dev.r1serve.testkit.TinyModelGenerator.Architecture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripted models follow their script exactly in llama.cpp, for both architectures. */
class ScriptedModelTest {

    static final List<String> SCRIPT =
            List.of("Let", " me", " think", "</think>", "\n\n", "The", " answer", " is", " 42");
    static final String PROMPT = "<｜User｜>What is 6 times 7?<｜Assistant｜><think>";
    static final int MAX_TOKENS = 32;

    @TempDir
    static Path dir;

    static LlamaModel qwen2;
    static LlamaModel llama;
    static LlamaModel utf8;

    @BeforeAll
    static void load() throws Exception {
        qwen2 = LlamaTestModels.load(TinyModelGenerator.scripted(Architecture.QWEN2, SCRIPT, "<think>")
                .write(dir.resolve("q.gguf")));
        llama = LlamaTestModels.load(TinyModelGenerator.scripted(Architecture.LLAMA, SCRIPT, "<think>")
                .write(dir.resolve("l.gguf")));
        // ChatML family, ending in <|im_end|>, triggered by the "\n" after "assistant".
        utf8 = LlamaTestModels.load(
                TinyModelGenerator.scriptedPieces(Architecture.QWEN2, TinyModelGenerator.splitMidCharacter("中文"), "\n")
                        .withFamily(ByteLevelBpeVocab.Family.QWEN25)
                        .write(dir.resolve("u.gguf")));
    }

    @AfterAll
    static void close() {
        for (LlamaModel m : new LlamaModel[] {qwen2, llama, utf8}) {
            if (m != null) {
                m.close();
            }
        }
    }

    @Test
    void qwen2FollowsScriptGreedily() {
        assertFollowsScript(qwen2);
    }

    @Test
    void llamaFollowsScriptGreedily() {
        assertFollowsScript(llama);
    }

    private static void assertFollowsScript(LlamaModel model) {
        List<String> chunks = stream(model, greedy(PROMPT, MAX_TOKENS));
        assertEquals(String.join("", SCRIPT), String.join("", chunks));
        // One chunk per script token, then an empty chunk for the (hidden) EOS token and the empty final
        // one: generation stopped at EOS, far below MAX_TOKENS.
        assertEquals(SCRIPT, chunks.subList(0, SCRIPT.size()));
        assertEquals(List.of("", ""), chunks.subList(SCRIPT.size(), chunks.size()));
    }

    @Test
    void lowTemperatureStillFollowsScript() {
        for (int seed = 1; seed <= 3; seed++) {
            String text = qwen2.complete(new InferenceParameters(PROMPT)
                    .setTemperature(0.7f)
                    .setSeed(seed)
                    .setNPredict(MAX_TOKENS));
            assertEquals(String.join("", SCRIPT), text);
        }
    }

    @Test
    void promptNotEndingInTriggerGetsEosAtOnce() {
        assertEquals("", qwen2.complete(greedy("<｜User｜>Hi<｜Assistant｜>", MAX_TOKENS)));
    }

    @Test
    void scriptTokensAreSingleTokens() {
        int[] ids = qwen2.encode(" answer</think>");
        assertEquals(2, ids.length, () -> java.util.Arrays.toString(ids));
    }

    @Test
    void utf8SplitMidCharacterStreamsWithoutReplacementCharacters() {
        List<String> chunks = stream(
                utf8, greedy("<|im_start|>user\nSay it in Chinese<|im_end|>\n<|im_start|>assistant\n", MAX_TOKENS));
        assertEquals("中文", String.join("", chunks));
        for (String c : chunks) {
            assertFalse(c.contains("\uFFFD"), () -> "replacement character in chunks " + chunks);
        }
        // Four tokens, but llama.cpp holds back a token that leaves the text ending in an incomplete UTF-8
        // sequence (no chunk at all) and sends its bytes with the next token: one chunk per character,
        // then the EOS and final chunks.
        assertEquals(List.of("中", "文", "", ""), chunks);
    }

    /**
     * Pins what llama.cpp does when the token limit cuts a character in half, which the server must
     * handle: streaming silently drops the held-back bytes, while complete() returns them and Java
     * decodes them as U+FFFD.
     */
    @Test
    void tokenLimitMidCharacterDropsBytesWhenStreamingButNotInComplete() {
        String prompt = "<|im_start|>user\nSay it in Chinese<|im_end|>\n<|im_start|>assistant\n";
        assertEquals(List.of("中", ""), stream(utf8, greedy(prompt, 3)));
        assertEquals("中\uFFFD", utf8.complete(greedy(prompt, 3)));
        assertEquals(List.of(""), stream(utf8, greedy(prompt, 1)), "only the empty final chunk");
    }
}
