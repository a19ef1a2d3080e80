package dev.r1serve.server.engine.llamacpp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Maps generated text back to token ids. java-llama.cpp streams each generated token's text but not its
 * id; llama.cpp sends one piece per token, except that it holds back a token ending inside a UTF-8
 * character and sends its bytes with the next one. So a piece is looked up whole first (the common
 * case: exactly the sampled id); text that is not one piece is split greedily into the longest known
 * pieces, and what still does not match is tokenized by the model (ids of the same text, which may
 * differ from the sampled ones only for such merged, mid-character pieces).
 */
final class TokenPieces {

    private final Map<String, Integer> idByPiece;
    private final int longestPiece;
    private final Function<String, int[]> tokenizer;

    private TokenPieces(Map<String, Integer> idByPiece, int longestPiece, Function<String, int[]> tokenizer) {
        this.idByPiece = idByPiece;
        this.longestPiece = longestPiece;
        this.tokenizer = tokenizer;
    }

    /**
     * Builds the index from each token's decoded text. Pieces that are not valid text on their own
     * (partial UTF-8) or empty (control tokens) are left out; when several ids share a piece the higher id
     * wins, since byte-fallback and byte tokens come first in SentencePiece and BPE vocabularies.
     */
    static TokenPieces build(int vocabSize, IntFunction<String> decode, Function<String, int[]> tokenizer) {
        Map<String, Integer> map = new HashMap<>(vocabSize * 2);
        int longest = 1;
        for (int id = 0; id < vocabSize; id++) {
            String piece = decode.apply(id);
            if (piece.isEmpty() || piece.indexOf('\uFFFD') >= 0) {
                continue;
            }
            map.put(piece, id);
            longest = Math.max(longest, piece.length());
        }
        return new TokenPieces(map, longest, tokenizer);
    }

    /** Ids of the text of one streamed result. */
    int[] idsOf(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        Integer whole = idByPiece.get(text);
        if (whole != null) {
            return new int[] {whole};
        }
        List<Integer> ids = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + longestPiece);
            Integer id = null;
            for (; end > i; end--) {
                id = idByPiece.get(text.substring(i, end));
                if (id != null) {
                    break;
                }
            }
            if (id == null) {
                for (int t : tokenizer.apply(text.substring(i))) {
                    ids.add(t);
                }
                break;
            }
            ids.add(id);
            i = end;
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
