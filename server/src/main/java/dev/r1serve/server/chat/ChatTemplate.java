package dev.r1serve.server.chat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Renders chat messages into the prompt text a model was trained on. The server owns its templates
 * (rather than running the GGUF's Jinja) so that every engine renders R1 prompts the same way.
 *
 * <p>Templates never write the beginning-of-sequence marker: the engine's tokenizer adds the model's BOS
 * token itself (as llama.cpp does for GGUFs with {@code add_bos_token}), and writing it twice would
 * change what the model sees.
 */
public enum ChatTemplate {

    /**
     * DeepSeek-R1 and its distills: {@code <｜User｜>q<｜Assistant｜>} with an optional pre-filled
     * {@code <think>\n}, as the R1 paper does for evaluation. Earlier assistant turns keep only their
     * answer, as the official template drops their reasoning.
     */
    DEEPSEEK_R1("deepseek-r1", true) {
        @Override
        String renderTurns(List<ChatMessage> messages) {
            StringBuilder sb = new StringBuilder();
            for (ChatMessage m : messages) {
                if (m.role().equals("system")) {
                    sb.append(m.content());
                }
            }
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case "user" -> sb.append("<｜User｜>").append(m.content());
                    case "assistant" -> sb.append("<｜Assistant｜>")
                            .append(ReasoningSplit.of(m.content(), false).answer())
                            .append("<｜end▁of▁sentence｜>");
                    default -> { }
                }
            }
            return sb.append("<｜Assistant｜>").toString();
        }
    },

    /** Qwen2.5 ChatML, with Qwen's default system prompt when the chat has none. */
    QWEN25("qwen2.5", false) {
        @Override
        String renderTurns(List<ChatMessage> messages) {
            StringBuilder sb = new StringBuilder();
            if (messages.isEmpty() || !messages.get(0).role().equals("system")) {
                sb.append("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n");
            }
            for (ChatMessage m : messages) {
                sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
            }
            return sb.append("<|im_start|>assistant\n").toString();
        }
    },

    /** Llama-3 (and R1-Distill-Llama when configured so) header format. */
    LLAMA3("llama3", false) {
        @Override
        String renderTurns(List<ChatMessage> messages) {
            StringBuilder sb = new StringBuilder();
            for (ChatMessage m : messages) {
                sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                        .append(m.content().strip()).append("<|eot_id|>");
            }
            return sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
        }
    },

    /** No chat format: for base models such as stories260K; chat input is refused. */
    NONE("none", false) {
        @Override
        String renderTurns(List<ChatMessage> messages) {
            throw new UnsupportedOperationException("model has no chat template");
        }
    };

    /** The pre-fill that opens the reasoning block. */
    public static final String THINK_PREFILL = "<think>\n";

    private final String id;
    private final boolean prefillThinkByDefault;

    ChatTemplate(String id, boolean prefillThinkByDefault) {
        this.id = id;
        this.prefillThinkByDefault = prefillThinkByDefault;
    }

    abstract String renderTurns(List<ChatMessage> messages);

    /** The name used in configuration files and ListModels. */
    public String id() {
        return id;
    }

    /** Whether {@code <think>\n} is pre-filled when a request does not say. */
    public boolean prefillThinkByDefault() {
        return prefillThinkByDefault;
    }

    public boolean supportsChat() {
        return this != NONE;
    }

    /** Renders the messages, ending with the open assistant turn (and the think pre-fill if asked). */
    public String render(List<ChatMessage> messages, boolean prefillThink) {
        String prompt = renderTurns(messages);
        return prefillThink ? prompt + THINK_PREFILL : prompt;
    }

    /** Looks a template up by its {@link #id()}, case-insensitively. */
    public static ChatTemplate byId(String id) {
        for (ChatTemplate t : values()) {
            if (t.id.equalsIgnoreCase(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown chat template '" + id + "' (expected one of "
                + Arrays.stream(values()).map(ChatTemplate::id).toList() + ")");
    }

    /** Guesses a template from a model's file or repository name; NONE when nothing matches. */
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
}
