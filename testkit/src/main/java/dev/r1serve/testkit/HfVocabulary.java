package dev.r1serve.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.server.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Hugging Face byte-level BPE tokenizer ({@code tokenizer.json} + {@code tokenizer_config.json}) turned
 * into GGUF tokenizer metadata the way llama.cpp's {@code convert_hf_to_gguf.py} writes it: tokens by id
 * padded with {@code [PADn]} (UNUSED) up to the model's vocabulary size, added tokens CONTROL when special
 * or shaped like {@code <|...|>} / {@code <｜...｜>}, else USER_DEFINED; the merges; BOS/EOS/add_bos from the
 * config; the chat template; and {@code tokenizer.ggml.pre} as convert_hf_to_gguf.py names the
 * pre-tokenizer of the model (qwen2, deepseek-r1-qwen, llama-bpe).
 */
public final class HfVocabulary {

    /** DeepSeek's added tokens of the R1 Qwen distills, replacing Qwen's at the same ids (see the data README). */
    public static final Map<Integer, String> R1_DISTILL_QWEN_ADDED = Map.of(
            151643,
            "<｜end▁of▁sentence｜>",
            151644,
            "<｜User｜>",
            151645,
            "<｜Assistant｜>",
            151646,
            "<｜begin▁of▁sentence｜>",
            151647,
            "<|EOT|>",
            151648,
            "<think>",
            151649,
            "</think>");

    private static final int R1_DISTILL_LAST_ID = 151_664;
    /** Which of them are special in the distills' tokenizer_config.json. */
    private static final List<String> R1_SPECIAL = List.of("<｜end▁of▁sentence｜>", "<｜begin▁of▁sentence｜>");

    // convert_hf_to_gguf.py's does_token_look_special
    private static final Pattern LOOKS_SPECIAL = Pattern.compile("^(<\\|.*\\|>|<｜.*｜>|<pad>|<mask>|<unk>|<s>|</s>)$");

    private final List<String> tokens;
    private final int[] types;
    private final List<String> merges;
    private final String pre;
    private final int bosId;
    private final int eosId;
    private final boolean addBos;
    private final String chatTemplate;
    private final int realTokens;

    private HfVocabulary(
            List<String> tokens,
            int[] types,
            List<String> merges,
            String pre,
            int bosId,
            int eosId,
            boolean addBos,
            String chatTemplate,
            int realTokens) {
        this.tokens = tokens;
        this.types = types;
        this.merges = merges;
        this.pre = pre;
        this.bosId = bosId;
        this.eosId = eosId;
        this.addBos = addBos;
        this.chatTemplate = chatTemplate;
        this.realTokens = realTokens;
    }

    /**
     * Reads {@code dir/tokenizer.json} and {@code dir/tokenizer_config.json}.
     *
     * @param vocabSize the model's embedding rows (config.json's vocab_size); 0 keeps the tokenizer's size
     * @param r1DistillQwen replace Qwen's added tokens with DeepSeek's and use the R1-Distill chat template
     *     ({@code r1DistillTemplate}), BOS and EOS, as the DeepSeek-R1-Distill-Qwen models ship
     */
    public static HfVocabulary read(
            Path dir, String arch, int vocabSize, boolean r1DistillQwen, String r1DistillTemplate) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("--tokenizer: no tokenizer.json in " + dir);
        }
        JsonNode tok = json.readTree(tokenizerJson.toFile());
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonNode config =
                Files.isRegularFile(configFile) ? json.readTree(configFile.toFile()) : json.createObjectNode();
        JsonNode model = tok.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IllegalArgumentException("--tokenizer: only BPE tokenizers are supported, got "
                    + model.path("type").asText());
        }
        Map<Integer, String> byId = new LinkedHashMap<>();
        model.path("vocab").fields().forEachRemaining(e -> byId.put(e.getValue().asInt(), e.getKey()));
        int regular = byId.size();
        Map<Integer, Boolean> added = new LinkedHashMap<>(); // id -> special
        for (JsonNode a : tok.path("added_tokens")) {
            int id = a.path("id").asInt();
            byId.put(id, a.path("content").asText());
            added.put(id, a.path("special").asBoolean());
        }
        if (r1DistillQwen) {
            // The distills end at Qwen2.5's <|file_sep|> (151664); Qwen3 appends <think> and others after it.
            byId.keySet().removeIf(id -> id > R1_DISTILL_LAST_ID);
            added.keySet().removeIf(id -> id > R1_DISTILL_LAST_ID);
            R1_DISTILL_QWEN_ADDED.forEach((id, text) -> {
                byId.put(id, text);
                added.put(id, R1_SPECIAL.contains(text));
            });
        }
        int maxId = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int size = Math.max(vocabSize, maxId + 1);
        List<String> tokens = new ArrayList<>(size);
        int[] types = new int[size];
        for (int i = 0; i < size; i++) {
            String t = byId.get(i);
            if (t == null) {
                tokens.add("[PAD" + i + "]");
                types[i] = ByteLevelBpeVocab.TYPE_UNUSED;
            } else {
                tokens.add(t);
                Boolean special = added.get(i);
                types[i] = special == null
                        ? ByteLevelBpeVocab.TYPE_NORMAL
                        : special || LOOKS_SPECIAL.matcher(t).matches()
                                ? ByteLevelBpeVocab.TYPE_CONTROL
                                : ByteLevelBpeVocab.TYPE_USER_DEFINED;
            }
        }
        if (new java.util.HashSet<>(tokens).size() != tokens.size()) {
            throw new IllegalArgumentException(
                    "--tokenizer: " + dir + " has a token string at two ids (llama.cpp refuses that)");
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        String pre = switch (arch) {
            case "qwen2" -> r1DistillQwen ? "deepseek-r1-qwen" : "qwen2";
            case "llama" -> "llama-bpe";
            default -> throw new IllegalArgumentException("--arch: expected qwen2 or llama, got " + arch);
        };
        String bos = r1DistillQwen ? "<｜begin▁of▁sentence｜>" : tokenText(config.path("bos_token"));
        String eos = r1DistillQwen ? "<｜end▁of▁sentence｜>" : tokenText(config.path("eos_token"));
        String pad = tokenText(config.path("pad_token"));
        // Qwen2.5 has no bos_token; convert_hf_to_gguf.py then takes config.json's bos_token_id, <|endoftext|>.
        int bosId = bos != null ? tokens.indexOf(bos) : pad != null ? tokens.indexOf(pad) : -1;
        int eosId = eos != null ? tokens.indexOf(eos) : -1;
        boolean addBos = !r1DistillQwen
                && config.path("add_bos_token")
                        .asBoolean(tok.path("post_processor").toString().contains("\"SpecialToken\""));
        String template = r1DistillQwen
                ? r1DistillTemplate
                : config.path("chat_template").isTextual()
                        ? config.path("chat_template").asText()
                        : null;
        return new HfVocabulary(tokens, types, merges, pre, bosId, eosId, addBos, template, maxId + 1);
    }

    private static String tokenText(JsonNode n) {
        if (n.isTextual()) {
            return n.asText();
        }
        return n.isObject() && n.path("content").isTextual() ? n.path("content").asText() : null;
    }

    public int size() {
        return tokens.size();
    }

    /** Tokens before the [PAD] filler. */
    public int realTokens() {
        return realTokens;
    }

    public List<String> tokens() {
        return tokens;
    }

    public int[] tokenTypes() {
        return Arrays.copyOf(types, types.length);
    }

    public String preTokenizer() {
        return pre;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public boolean addBos() {
        return addBos;
    }

    /** Writes the {@code tokenizer.*} metadata (with {@code tokenizer.chat_template} when there is one). */
    public void writeTo(GgufWriter w) {
        w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", pre)
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putInts("tokenizer.ggml.token_type", types)
                .putStrings("tokenizer.ggml.merges", merges);
        if (bosId >= 0) {
            w.putUint32("tokenizer.ggml.bos_token_id", bosId);
        }
        if (eosId >= 0) {
            w.putUint32("tokenizer.ggml.eos_token_id", eosId).putUint32("tokenizer.ggml.padding_token_id", eosId);
        }
        w.putBool("tokenizer.ggml.add_bos_token", addBos).putBool("tokenizer.ggml.add_eos_token", false);
        if (chatTemplate != null) {
            w.putString("tokenizer.chat_template", chatTemplate);
        }
    }
}
