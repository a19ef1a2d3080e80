package dev.r1serve.server.engine;

import dev.r1serve.server.chat.ChatPrompt;
import java.util.List;
import java.util.Optional;

/**
 * A text-generation engine hosting one model, opened by its {@link EngineProvider}. Implementations: the
 * embedded llama.cpp engine; remote engines for OpenAI-compatible and LMI GPU backends.
 *
 * <p>The scheduler hands an engine at most {@link #slots()} sequences at once, so an engine never holds a
 * backlog of its own. An engine generates and reports raw text: stop strings, LENGTH vs EOS, the prompt's
 * length against the context and finishing once are handled above it (see {@code generation}). Nothing
 * here knows gRPC or HTTP.
 */
public interface Engine extends AutoCloseable {

    /** Sequences decoded at once. */
    int slots();

    /** Context window of one sequence, in tokens (prompt plus generated). */
    int contextLength();

    /** Tokens in the model's vocabulary (prompt token ids must be below it), or -1 when unknown. */
    default int vocabularySize() {
        return -1;
    }

    /** What the engine can do beyond text (penalties, log-probabilities, token ids). */
    EngineCapabilities capabilities();

    /** Where the weights come from (a path or backend URLs), for ListModels. */
    String source();

    /** The name built-in chat templates are guessed from (a file name, a backend's model name). */
    String templateHint();

    /**
     * Tokenizes text as the model sees it (special tokens such as chat markers are parsed). May block (a
     * remote tokenizer): never called on a network thread.
     *
     * @throws EngineUnavailableException when the tokenizer cannot be reached
     */
    int[] tokenize(String text);

    /**
     * The bytes of one token as text (special tokens as their marker text), for the token strings of OpenAI
     * log-probabilities; null where the engine cannot say (a remote backend names tokens by id).
     */
    default byte[] tokenBytes(int tokenId) {
        return null;
    }

    /**
     * Tokenizes a rendered chat as the model sees it: special-token strings are tokens only where the
     * template wrote them ({@link ChatPrompt.Piece#markers()}), with the BOS the engine adds (once);
     * engines without that distinction tokenize the text. These are the ids whose count is checked against
     * the context and which {@link SequenceSpec#promptTokenIds()} carries. May block like {@link #tokenize(String)}.
     */
    default int[] tokenize(ChatPrompt prompt) {
        return tokenize(prompt.text());
    }

    /**
     * Whether {@link #tokenize(ChatPrompt)} counts what the engine will see; false for backends that
     * tokenize on their side without telling us (then the backend enforces its context itself).
     */
    default boolean countsPrompts() {
        return true;
    }

    /**
     * Strings of the model's special and added tokens, which message content must not produce; empty when
     * the engine does not know them (remote backends tokenize text themselves).
     */
    default List<String> specialTokens() {
        return List.of();
    }

    /** The beginning-of-sequence string templates write as {@code bos_token}; empty when the engine adds it itself. */
    default String bosToken() {
        return "";
    }

    /** The end-of-sequence string templates get as {@code eos_token}; empty when unknown. */
    default String eosToken() {
        return "";
    }

    /** The model file's own Jinja chat template ({@code tokenizer.chat_template}), if it has one. */
    default Optional<String> chatTemplate() {
        return Optional.empty();
    }

    /**
     * Starts a sequence; output goes to {@code listener}. Never blocks on generation. The caller keeps at
     * most {@link #slots()} sequences in the engine.
     */
    SequenceHandle submit(SequenceSpec spec, SequenceListener listener);

    /** Sequences currently decoding. */
    int busySlots();

    /** Sequences handed over but not decoding yet (e.g. a remote sequence waiting for its connection). */
    int queuedSequences();

    /**
     * Whether the engine is alive and making progress: false once it is closed, its worker died, or it
     * has had work without producing anything for too long (a hung backend). Feeds grpc.health.
     */
    boolean isHealthy();

    @Override
    void close();
}
