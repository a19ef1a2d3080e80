package dev.r1serve.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.testkit.ByteLevelBpeVocab.Family;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ByteLevelBpeVocabTest {

    private static final byte[] ZHONG_HEAD = {(byte) 0xE4, (byte) 0xB8};
    private static final byte[] ZHONG_TAIL = {(byte) 0xAD};

    private final ByteLevelBpeVocab vocab = ByteLevelBpeVocab.builder(Family.DEEPSEEK_R1)
            .addPiece(ZHONG_HEAD)
            .addPiece(ZHONG_TAIL) // a single byte: already a token, no new entry
            .addPiece(" reasoning")
            .build();

    @Test
    void bytesComeFirstInByteOrder() {
        for (int b = 0; b < 256; b++) {
            assertEquals(b, vocab.id(new byte[] {(byte) b}));
        }
        assertEquals("Ġ", vocab.tokens().get(' '));
        assertEquals("Ċ", vocab.tokens().get('\n'));
        assertEquals("a", vocab.tokens().get('a'));
    }

    @Test
    void byteLevelEncodingRoundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(all, ByteLevelBpeVocab.decodeBytes(ByteLevelBpeVocab.encodeBytes(all)));
        assertEquals("ä¸Ń", ByteLevelBpeVocab.encodeBytes("中".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void mergesAreConsistentAndEveryPieceIsReachable() {
        Map<String, Integer> ranks = new HashMap<>();
        for (String merge : vocab.merges()) {
            String[] parts = merge.split(" ");
            assertEquals(2, parts.length, merge);
            assertTrue(vocab.tokens().contains(parts[0]), merge);
            assertTrue(vocab.tokens().contains(parts[1]), merge);
            assertTrue(vocab.tokens().contains(parts[0] + parts[1]), merge);
            ranks.put(merge, ranks.size());
        }
        for (String piece : ByteLevelBpeVocab.DEFAULT_PIECES) {
            List<String> parts = ByteLevelBpeVocab.Builder.bpe(piece.getBytes(StandardCharsets.UTF_8), ranks);
            assertEquals(1, parts.size(), () -> piece + " -> " + parts);
        }
        assertEquals(List.of("ä¸"), ByteLevelBpeVocab.Builder.bpe(ZHONG_HEAD, ranks));
    }

    @Test
    void incompleteUtf8PiecesAreTokens() {
        int head = vocab.id(ZHONG_HEAD);
        assertArrayEquals(ZHONG_HEAD, vocab.bytes(head));
        assertEquals(0xAD, vocab.id(ZHONG_TAIL));
        assertEquals(ByteLevelBpeVocab.TYPE_NORMAL, vocab.tokenTypes()[head]);
        assertTrue(
                vocab.find(new byte[] {(byte) 0xE4, (byte) 0xB8, (byte) 0xAD}).isEmpty());
    }

    @Test
    void specialTokensHaveTheirTypes() {
        int[] types = vocab.tokenTypes();
        for (String t : ByteLevelBpeVocab.CONTROL_TOKENS) {
            assertEquals(ByteLevelBpeVocab.TYPE_CONTROL, types[vocab.id(t)], t);
            assertEquals(t, vocab.tokens().get(vocab.id(t)));
        }
        for (String t : ByteLevelBpeVocab.USER_DEFINED_TOKENS) {
            assertEquals(ByteLevelBpeVocab.TYPE_USER_DEFINED, types[vocab.id(t)], t);
        }
        assertEquals(vocab.id("<think>"), vocab.id("<think>".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(vocab.id("<"), vocab.id("<think>"));
        assertThrows(IllegalArgumentException.class, () -> vocab.id(" nonexistent-piece"));
    }

    @Test
    void familiesPickBosAndEos() {
        assertEquals(vocab.id(ByteLevelBpeVocab.R1_BOS), vocab.bosId());
        assertEquals(vocab.id(ByteLevelBpeVocab.R1_EOS), vocab.eosId());
        ByteLevelBpeVocab qwen = ByteLevelBpeVocab.builder(Family.QWEN25).build();
        assertEquals(qwen.id(ByteLevelBpeVocab.QWEN_ENDOFTEXT), qwen.bosId());
        assertEquals(qwen.id(ByteLevelBpeVocab.IM_END), qwen.eosId());
        ByteLevelBpeVocab llama = ByteLevelBpeVocab.builder(Family.LLAMA3)
                .eos(ByteLevelBpeVocab.R1_EOS)
                .build();
        assertEquals(llama.id(ByteLevelBpeVocab.LLAMA3_BOS), llama.bosId());
        assertEquals(llama.id(ByteLevelBpeVocab.R1_EOS), llama.eosId());
    }

    @Test
    void padsToRequestedSize() {
        ByteLevelBpeVocab padded =
                ByteLevelBpeVocab.builder(Family.DEEPSEEK_R1).padTo(151_936).build();
        assertEquals(151_936, padded.size());
        assertEquals(ByteLevelBpeVocab.TYPE_UNUSED, padded.tokenTypes()[151_935]);
        assertEquals("[PAD151935]", padded.tokens().get(151_935));
        assertThrows(
                IllegalArgumentException.class,
                () -> ByteLevelBpeVocab.builder(Family.QWEN25).padTo(300).build());
    }
}
