package dev.r1serve.server.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.server.tokenizer.RealTokenizers;
import dev.r1serve.testkit.ByteLevelBpeVocab;
import dev.r1serve.testkit.HfVocabulary;
import dev.r1serve.testkit.RealVocabModels;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GGUF tokenizer metadata as convert_hf_to_gguf.py writes it for the models r1-serve hosts. */
class HfVocabularyTest {

    @Test
    void r1DistillQwenHasDeepSeeksAddedTokensOverQwensVocabularyPaddedToTheModelsRows() throws IOException {
        HfVocabulary v =
                HfVocabulary.read(RealTokenizers.dir("qwen3"), "qwen2", 151_936, true, RealVocabModels.r1Template());
        assertEquals(151_936, v.size()); // R1-Distill-Qwen-1.5B's embedding rows
        assertEquals(151_665, v.realTokens());
        assertEquals("deepseek-r1-qwen", v.preTokenizer());
        List<String> t = v.tokens();
        int[] types = v.tokenTypes();
        assertEquals(151_646, v.bosId());
        assertEquals("<｜begin▁of▁sentence｜>", t.get(v.bosId()));
        assertEquals(151_643, v.eosId());
        assertFalse(v.addBos(), "the distills' template writes BOS itself");
        assertEquals("<｜User｜>", t.get(151_644));
        assertEquals(ByteLevelBpeVocab.TYPE_CONTROL, types[151_644]); // looks special: <｜...｜>
        assertEquals("<think>", t.get(151_648));
        assertEquals(ByteLevelBpeVocab.TYPE_USER_DEFINED, types[151_648]);
        assertEquals("<|file_sep|>", t.get(151_664));
        assertEquals("[PAD151665]", t.get(151_665));
        assertEquals(ByteLevelBpeVocab.TYPE_UNUSED, types[151_665]);
        assertEquals(ByteLevelBpeVocab.TYPE_NORMAL, types[0]);
    }

    @Test
    void qwenAndLlamaKeepTheirOwnTokensTemplatesAndBosRules() throws IOException {
        HfVocabulary qwen = HfVocabulary.read(RealTokenizers.dir("qwen3"), "qwen2", 0, false, null);
        assertEquals("qwen2", qwen.preTokenizer());
        assertEquals("<|endoftext|>", qwen.tokens().get(qwen.bosId()));
        assertEquals("<|im_end|>", qwen.tokens().get(qwen.eosId()));
        assertFalse(qwen.addBos());
        HfVocabulary llama = HfVocabulary.read(RealTokenizers.dir("llama3.1"), "llama", 128_256, false, null);
        assertEquals("llama-bpe", llama.preTokenizer());
        assertEquals(128_256, llama.size());
        assertEquals("<|begin_of_text|>", llama.tokens().get(llama.bosId()));
        assertEquals("<|eot_id|>", llama.tokens().get(llama.eosId()));
        assertTrue(llama.addBos(), "Llama 3's post-processor adds BOS");
        assertEquals(ByteLevelBpeVocab.TYPE_CONTROL, llama.tokenTypes()[128_255]);
    }
}
