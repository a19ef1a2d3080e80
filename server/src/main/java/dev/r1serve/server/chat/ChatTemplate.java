package dev.r1serve.server.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders chat messages into the prompt text a model was trained on, with a Hugging Face Jinja chat
 * template: the model's own (a GGUF's {@code tokenizer.chat_template}, or a file given in the
 * configuration) or one of the built-ins, which are the official templates of DeepSeek-R1-Distill,
 * Qwen2.5-Instruct and Llama 3 (bundled in {@code /chat-templates}, rendered by the same engine, and checked
 * against Python's Jinja2 on a corpus of chats).
 *
 * <p>BOS: the template writes {@code bos_token} where the model's template does; the engine's tokenizer
 * adds BOS only when the rendered prompt does not start with it, so there is never two.
 */
public final class ChatTemplate {

    /** The pre-fill that opens the reasoning block. */
    public static final String THINK_PREFILL = "<think>\n";

    /** The id of {@link #PLAIN}, which clients treat like "none" (a base model). */
    public static final String PLAIN_ID = "plain";

    public static final String R1_BOS = "<｜begin▁of▁sentence｜>";
    public static final String R1_EOS = "<｜end▁of▁sentence｜>";

    /**
     * DeepSeek-R1 and its distills: {@code <｜User｜>q<｜Assistant｜>}, pre-filling {@code <think>\n} as the
     * R1 paper does for evaluation. The official template keeps only the last system message and, of
     * earlier assistant turns, only what follows their last {@code </think>}.
     */
    public static final ChatTemplate DEEPSEEK_R1 = builtin("deepseek-r1", true, R1_BOS, R1_EOS);
    /** Qwen2.5-Instruct ChatML, with Qwen's default system prompt when the chat has none. */
    public static final ChatTemplate QWEN25 = builtin("qwen2.5", false, "", "<|im_end|>");
    /** Llama 3 (the template of Llama 3.1's tokenizer_config.json). */
    public static final ChatTemplate LLAMA3 = builtin("llama3", false, "<|begin_of_text|>", "<|eot_id|>");
    /**
     * For models without a template of their own (stories260K): {@code User: ...} / {@code Assistant: ...}
     * lines, so that chat clients work with any model.
     */
    public static final ChatTemplate PLAIN = builtin(ChatTemplate.PLAIN_ID, false, "", "");
    /** No chat format: chat input is refused (raw prompts only). */
    public static final ChatTemplate NONE = new ChatTemplate("none", null, false, "", "");

    private static final List<ChatTemplate> BUILTINS = List.of(DEEPSEEK_R1, QWEN25, LLAMA3, PLAIN, NONE);
    /** Marker strings that content keeps in assistant turns: the model's own reasoning tags. */
    private static final List<String> REASONING_TAGS = List.of("<think>", "</think>");

    private final String id;
    private final JinjaTemplate jinja; // null for NONE
    private final boolean prefillThinkByDefault;
    private final String bosToken;
    private final String eosToken;

    private ChatTemplate(
            String id, JinjaTemplate jinja, boolean prefillThinkByDefault, String bosToken, String eosToken) {
        this.id = id;
        this.jinja = jinja;
        this.prefillThinkByDefault = prefillThinkByDefault;
        this.bosToken = Objects.requireNonNull(bosToken);
        this.eosToken = Objects.requireNonNull(eosToken);
    }

    /**
     * A template from Jinja source (a model's own, or a {@code --chat-template} file).
     *
     * @param id what ListModels shows, e.g. {@code gguf} or the file name
     * @throws IllegalArgumentException if the source does not parse or render
     */
    public static ChatTemplate fromJinja(String id, String source, String bosToken, String eosToken) {
        // DeepSeek-R1 style templates get the <think> pre-fill by default, as the built-in does.
        boolean r1 = source.contains("<｜Assistant｜>");
        return new ChatTemplate(id, new JinjaTemplate(source), r1, bosToken, eosToken);
    }

    /** The same template with the model's BOS and EOS strings (the {@code bos_token}/{@code eos_token} variables). */
    public ChatTemplate withSpecialTokens(String bosToken, String eosToken) {
        return new ChatTemplate(id, jinja, prefillThinkByDefault, bosToken, eosToken);
    }

    /** The name used in configuration files and ListModels. */
    public String id() {
        return id;
    }

    /** Whether {@code <think>\n} is pre-filled when a request does not say. */
    public boolean prefillThinkByDefault() {
        return prefillThinkByDefault;
    }

    public boolean supportsChat() {
        return jinja != null;
    }

    /**
     * Whether this is a chat model's own format: false for {@link #NONE} and {@link #PLAIN} (base models,
     * which clients such as the eval harness prompt with raw text and which may start from BOS alone).
     */
    public boolean isChatFormat() {
        return jinja != null && !id.equals(PLAIN_ID);
    }

    /** The {@code eos_token} the template is given. */
    public String eosToken() {
        return eosToken;
    }

    /** The {@code bos_token} the template is given. */
    public String bosToken() {
        return bosToken;
    }

    /** The Jinja source (empty for {@link #NONE}). */
    public String source() {
        return jinja == null ? "" : jinja.source();
    }

    /**
     * Renders the messages, ending with the open assistant turn (and the think pre-fill if asked), and marks which special-token strings are the template's: any of
     * {@code markers} that occurs in message content is kept as plain text, except {@code <think>} and
     * {@code </think>} in assistant turns (the model's own output, which templates such as DeepSeek's cut at
     * {@code </think>}). The think pre-fill is appended only when the rendered prompt does not already end
     * with it (templates of later R1 revisions write it themselves).
     */
    public ChatPrompt render(List<ChatMessage> messages, boolean prefillThink, Collection<String> markers) {
        if (jinja == null) {
            throw new UnsupportedOperationException("model has no chat template");
        }
        ContentEscaper escaper = new ContentEscaper(markers.stream()
                .filter(m -> !m.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList());
        List<ChatMessage> escaped = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            escaped.add(new ChatMessage(
                    m.role(), escaper.escape(m.content(), m.role().equals("assistant") ? REASONING_TAGS : List.of())));
        }
        String rendered = jinja.render(escaped, true, bosToken, eosToken);
        if (prefillThink && !rendered.endsWith(THINK_PREFILL)) {
            rendered += THINK_PREFILL;
        }
        return escaper.unescape(rendered);
    }

    /** Looks a built-in template up by its {@link #id()}, case-insensitively. */
    public static ChatTemplate byId(String id) {
        for (ChatTemplate t : BUILTINS) {
            if (t.id.equalsIgnoreCase(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown chat template '" + id + "' (expected one of "
                + BUILTINS.stream().map(ChatTemplate::id).toList() + ", auto, or a template file)");
    }

    /** Guesses a built-in template from a model's file or repository name; NONE when nothing matches. */
    public static ChatTemplate guessFromName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("deepseek") || n.contains("r1")) {
            return DEEPSEEK_R1;
        }
        if (n.contains("qwen")) {
            return QWEN25;
        }
        if (n.contains("llama-3") || n.contains("llama3")) {
            return LLAMA3;
        }
        return NONE;
    }

    @Override
    public String toString() {
        return id;
    }

    private static ChatTemplate builtin(String id, boolean prefill, String bos, String eos) {
        String file = "/chat-templates/" + id + ".jinja";
        try (InputStream in = ChatTemplate.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("bundled chat template " + file + " is missing from the jar");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new ChatTemplate(id, new JinjaTemplate(source), prefill, bos, eos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
