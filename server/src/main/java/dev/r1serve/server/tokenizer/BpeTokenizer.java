package dev.r1serve.server.tokenizer;

import dev.r1serve.server.chat.ChatPrompt;
import dev.r1serve.server.gguf.ByteLevel;
import dev.r1serve.server.gguf.GgufReader;
import dev.r1serve.server.gguf.TokenType;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE tokenization of a GGUF vocabulary ({@code tokenizer.ggml.model = gpt2}) exactly as Hugging
 * Face's {@code tokenizers} does it for the same model's {@code tokenizer.json}: added tokens split out
 * first, then the normalizer (NFC for Qwen), the pre-tokenizer regex, GPT-2's byte alphabet and the merges
 * by rank ({@code ignore_merges} for Llama 3: a pre-token that is a whole vocabulary entry is taken as is).
 *
 * <p>Why not llama.cpp's tokenizer: it parses special-token strings in all text it is given (java-llama.cpp
 * exposes no switch), so message content could forge chat turns, and it skips Qwen's NFC normalizer. The
 * server therefore tokenizes prompts here and hands llama.cpp token ids.
 *
 * <p>Supported {@code tokenizer.ggml.pre} values: {@code qwen2}, {@code deepseek-r1-qwen} (R1-Distill-Qwen),
 * {@code llama-bpe} (Llama 3.x); {@link #fromGguf} is empty for others, which keep llama.cpp's tokenizer.
 */
public final class BpeTokenizer {

    /** Qwen2's pre-tokenizer regex (tokenizer.json of Qwen2.5 and of the R1 Qwen distills). */
    static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Llama 3's: digits in runs of up to three. */
    static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final int TYPE_CONTROL = TokenType.CONTROL;
    private static final int TYPE_USER_DEFINED = TokenType.USER_DEFINED;
    private static final int CACHE_LIMIT = 1 << 16;

    private final Map<String, Integer> ids;
    private final Map<String, Integer> ranks;
    private final Pattern preTokenizer;
    private final boolean nfc;
    private final boolean ignoreMerges;
    /** Added tokens (control and user-defined) by first character, longest first. */
    private final Map<Character, List<Added>> addedByFirstChar = new HashMap<>();

    private final List<String> addedTokens = new ArrayList<>();
    private final int bosId;
    private final boolean addBos;
    private final String bosText;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private record Added(String text, int id) {}

    private BpeTokenizer(List<String> tokens, int[] types, List<String> merges, String pre, int bosId, boolean addBos) {
        ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            int type = i < types.length ? types[i] : TokenType.NORMAL;
            if (type == TYPE_CONTROL || type == TYPE_USER_DEFINED) {
                addedTokens.add(tokens.get(i));
                addedByFirstChar
                        .computeIfAbsent(tokens.get(i).charAt(0), c -> new ArrayList<>())
                        .add(new Added(tokens.get(i), i));
            } else {
                ids.putIfAbsent(tokens.get(i), i);
            }
        }
        addedByFirstChar
                .values()
                .forEach(l -> l.sort(
                        Comparator.comparingInt((Added a) -> a.text().length()).reversed()));
        ranks = new HashMap<>(merges.size() * 2);
        for (int r = 0; r < merges.size(); r++) {
            ranks.putIfAbsent(merges.get(r), r);
        }
        boolean llama3 = pre.equals("llama-bpe") || pre.equals("llama3");
        preTokenizer = Pattern.compile(llama3 ? LLAMA3_PATTERN : QWEN2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
        nfc = !llama3;
        ignoreMerges = llama3;
        this.bosId = bosId;
        this.addBos = addBos;
        this.bosText = bosId >= 0 && bosId < tokens.size() ? tokens.get(bosId) : "";
    }

    /** The tokenizer of a GGUF's vocabulary, or empty when it is not a byte-level BPE this class knows. */
    public static Optional<BpeTokenizer> fromGguf(GgufReader gguf) {
        String model = gguf.findString("tokenizer.ggml.model").orElse("");
        String pre = gguf.findString("tokenizer.ggml.pre").orElse("");
        if (!model.equals("gpt2") || !isSupported(pre) || !gguf.has("tokenizer.ggml.merges")) {
            return Optional.empty();
        }
        List<String> tokens = gguf.getStringArray("tokenizer.ggml.tokens");
        int[] types =
                gguf.has("tokenizer.ggml.token_type") ? gguf.getIntArray("tokenizer.ggml.token_type") : new int[0];
        int bos = gguf.has("tokenizer.ggml.bos_token_id") ? gguf.getInt("tokenizer.ggml.bos_token_id") : -1;
        // llama.cpp's default for BPE vocabularies without the key is to add BOS.
        boolean addBos = !gguf.has("tokenizer.ggml.add_bos_token") || gguf.getBool("tokenizer.ggml.add_bos_token");
        return Optional.of(
                new BpeTokenizer(tokens, types, gguf.getStringArray("tokenizer.ggml.merges"), pre, bos, addBos));
    }

    public static boolean isSupported(String pre) {
        return List.of("qwen2", "deepseek-r1-qwen", "llama-bpe", "llama3").contains(pre);
    }

    /** Strings of the added tokens (control and user-defined): the markers a template may write. */
    public List<String> addedTokens() {
        return List.copyOf(addedTokens);
    }

    /** Tokens of {@code text} with added-token strings in it parsed as those tokens (no BOS). */
    public int[] encode(String text) {
        return encode(List.of(new ChatPrompt.Piece(text, true)));
    }

    /**
     * Tokens of a prompt: added-token strings are tokens only in pieces marked {@code markers}; all other
     * text (joined across pieces, as Hugging Face's tokenizer sees it) goes through BPE. No BOS.
     */
    public int[] encode(List<ChatPrompt.Piece> pieces) {
        List<Integer> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ChatPrompt.Piece p : pieces) {
            String s = p.text();
            int start = 0;
            for (int i = 0; p.markers() && i < s.length(); ) {
                Added a = addedAt(s, i);
                if (a == null) {
                    i++;
                    continue;
                }
                text.append(s, start, i);
                encodeText(text.toString(), out);
                text.setLength(0);
                out.add(a.id());
                i += a.text().length();
                start = i;
            }
            text.append(s, start, s.length());
        }
        encodeText(text.toString(), out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The prompt's ids as the model sees them: BOS first when the vocabulary adds it and the prompt does
     * not already start with it (a template that writes {@code bos_token} itself), never twice.
     */
    public int[] encodePrompt(List<ChatPrompt.Piece> pieces) {
        int[] ids = encode(pieces);
        if (!addBos || bosId < 0 || (ids.length > 0 && ids[0] == bosId)) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bosId;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    public String bosText() {
        return bosText;
    }

    private Added addedAt(String s, int i) {
        List<Added> candidates = addedByFirstChar.get(s.charAt(i));
        if (candidates != null) {
            for (Added a : candidates) {
                if (s.startsWith(a.text(), i)) {
                    return a;
                }
            }
        }
        return null;
    }

    private void encodeText(String text, List<Integer> out) {
        if (text.isEmpty()) {
            return;
        }
        String normalized = nfc ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
        Matcher m = preTokenizer.matcher(normalized);
        while (m.find()) {
            String word = ByteLevel.encodeBytes(m.group().getBytes(StandardCharsets.UTF_8));
            int[] cached = cache.get(word);
            if (cached == null) {
                cached = bpe(word);
                if (cache.size() < CACHE_LIMIT) {
                    cache.put(word, cached);
                }
            }
            for (int id : cached) {
                out.add(id);
            }
        }
    }

    /**
     * BPE of one pre-token: repeatedly merge the adjacent pair of lowest rank (leftmost on ties), with a
     * priority queue over a linked list of symbols so that long words (a 1 MB run of letters) stay
     * O(n log n), as in Hugging Face's and llama.cpp's implementations.
     */
    private int[] bpe(String word) {
        Integer whole = ids.get(word);
        if (whole != null && (ignoreMerges || word.length() == 1)) {
            return new int[] {whole};
        }
        int n = word.length();
        String[] sym = new String[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = String.valueOf(word.charAt(i));
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // Queue entries: rank, left position, and the pair's text at push time (stale entries are skipped).
        java.util.PriorityQueue<Object[]> queue = new java.util.PriorityQueue<>((a, b) -> {
            int c = Integer.compare((int) a[0], (int) b[0]);
            return c != 0 ? c : Integer.compare((int) a[1], (int) b[1]);
        });
        for (int i = 0; i + 1 < n; i++) {
            push(queue, sym, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Object[] e = queue.poll();
            int left = (int) e[1];
            int right = sym[left] == null ? -1 : next[left];
            if (right < 0 || !(sym[left] + " " + sym[right]).equals(e[2])) {
                continue;
            }
            sym[left] = sym[left] + sym[right];
            sym[right] = null;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                push(queue, sym, prev[left], left);
            }
            if (next[left] >= 0) {
                push(queue, sym, left, next[left]);
            }
        }
        List<Integer> result = new ArrayList<>();
        for (int i = 0; i >= 0; i = next[i]) {
            Integer id = ids.get(sym[i]);
            if (id == null) {
                throw new IllegalStateException("vocabulary has no token for BPE piece '" + sym[i] + "'");
            }
            result.add(id);
        }
        return result.stream().mapToInt(Integer::intValue).toArray();
    }

    private void push(java.util.PriorityQueue<Object[]> queue, String[] sym, int left, int right) {
        String pair = sym[left] + " " + sym[right];
        Integer rank = ranks.get(pair);
        if (rank != null) {
            queue.add(new Object[] {rank, left, pair});
        }
    }
}
