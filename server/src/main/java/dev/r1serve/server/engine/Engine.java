package dev.r1serve.server.engine;

import dev.r1serve.server.chat.ChatPrompt;
import java.util.List;

/**
 * A text-generation engine hosting one model. Implementations: the embedded llama.cpp engine; remote
 * engines for OpenAI-compatible GPU backends.
 *
 * <p>An engine decodes at most {@link #slots()} sequences at once; sequences submitted beyond that wait
 * in the engine's queue in submission order.
 */
public interface Engine extends AutoCloseable {

    /** Engine kind, e.g. "llama.cpp". */
    String kind();

    /** Sequences decoded at once. */
    int slots();

    /** Context window of one sequence, in tokens (prompt plus generated). */
    int contextLength();

    /** Tokenizes text as the model sees it (special tokens such as chat markers are parsed). */
    int[] tokenize(String text);

    /** Tokens a prompt takes in the context, with any beginning-of-sequence token the engine adds. */
    default int countPromptTokens(String prompt) {
        return tokenize(prompt).length;
    }

    /** Whether the engine applies frequency and presence penalties ({@link SequenceSpec#frequencyPenalty()}). */
    default boolean supportsPenalties() {
        return false;
    }

    /**
     * Tokenizes a rendered chat as the model sees it: special-token strings are tokens only where the
     * template wrote them ({@link ChatPrompt.Piece#markers()}), with the BOS the engine adds (once);
     * engines without that distinction tokenize the text.
     */
    default int[] tokenize(ChatPrompt prompt) {
        return tokenize(prompt.text());
    }

    /** Like {@link #countPromptTokens(String)} for a rendered chat. */
    default int countPromptTokens(ChatPrompt prompt) {
        return countPromptTokens(prompt.text());
    }

    /**
     * Strings of the model's special and added tokens, which message content must not produce; empty when
     * the engine does not know them (remote backends tokenize text themselves).
     */
    default List<String> specialTokens() {
        return List.of();
    }

    /** The beginning-of-sequence string templates write as {@code bos_token}; empty when unknown. */
    default String bosToken() {
        return "";
    }

    /** The end-of-sequence string templates get as {@code eos_token}; empty when unknown. */
    default String eosToken() {
        return "";
    }

    /** The model file's own Jinja chat template ({@code tokenizer.chat_template}), if it has one. */
    default java.util.Optional<String> chatTemplate() {
        return java.util.Optional.empty();
    }

    /** Whether the engine can return per-token log-probabilities. */
    default boolean supportsLogprobs() {
        return false;
    }

    /** Queues a sequence; output goes to {@code listener}. Never blocks on generation. */
    SequenceHandle submit(SequenceSpec spec, SequenceListener listener);

    /** Sequences currently decoding. */
    int busySlots();

    /** Sequences waiting for a slot. */
    int queuedSequences();

    /**
     * Whether the engine is alive and making progress: false once it is closed, its worker died, or it
     * has had work without producing anything for too long (a hung backend). Feeds grpc.health.
     */
    boolean isHealthy();

    @Override
    void close();
}
