package dev.r1serve.server.generation;

import dev.r1serve.server.chat.ChatPrompt;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.engine.TokenLogprob;
import dev.r1serve.server.error.ServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Counts one sample's reasoning tokens and, with {@code max_thinking_tokens}, enforces the budget for every
 * engine, above the SPI: once the sample has that many tokens inside {@code <think>} without closing it, the
 * engine's sequence is cancelled, {@link #CLOSE} is passed on as if the model had written it, and a
 * continuation sequence (the prompt, the text generated so far and {@link #CLOSE}) writes the answer. The
 * continuation's output is part of the same sample; the result reports the original prompt's tokens and
 * all generated tokens (first part, the inserted ones, the answer), so {@link StopAndLength} below this sees
 * one sequence.
 *
 * <p>Tokens are counted by the ids the engine reports per {@link #onText}, or 1 per call without ids; a
 * call carrying several tokens can overshoot the budget by the rest of its tokens. With a pre-filled
 * {@code <think>} the first sequence is also capped at the budget, so the cut is exact on every engine.
 *
 * <p>Where the prompt's ids and every generated id are known and the engine takes id prompts, the
 * continuation is given as ids (the tokens the model sampled, not a re-tokenization of their text);
 * otherwise as text. It is queued with the same scheduler, priority and deadline as the sample.
 */
final class ThinkingBudget implements SequenceListener, SequenceHandle {

    /** What the server writes to end a reasoning that reached its budget. */
    static final String CLOSE = "\n</think>\n\n";

    private static final String OPEN_TAG = "<think>";
    private static final String CLOSE_TAG = "</think>";

    /** Queues a sequence whose output goes to {@code listener}; may throw {@link ServerException}. */
    interface Resubmit {
        SequenceHandle submit(SequenceSpec spec, SequenceListener listener);
    }

    /**
     * Where the engine stands, given by the generation.
     *
     * @param tokenize tokenizes text without BOS, blocking allowed (called on {@code executor})
     * @param idPrompts whether the engine takes prompts as token ids
     */
    record Context(Resubmit resubmit, Executor executor, Function<String, int[]> tokenize, boolean idPrompts) {}

    private enum Reasoning {
        NOT_STARTED,
        OPEN,
        CLOSED
    }

    private final SequenceListener downstream;
    private final SequenceSpec first;
    private final int budget;
    private final int maxTokens;
    private final boolean returnTokenIds;
    private final boolean returnLogprobs;
    private final Context context;

    private Reasoning reasoning;
    private final StringBuilder tail = new StringBuilder();
    private int reasoningTokens;
    /** Tokens passed on from the first sequence (its later output, after the cut, is dropped). */
    private int firstTokens;

    private final StringBuilder firstText = new StringBuilder();
    private final List<Integer> firstIds = new ArrayList<>();
    private boolean allIdsKnown = true;
    private int firstPromptTokens;
    private int closeTokens;
    private volatile boolean cut;
    private volatile boolean reached;
    private volatile boolean inContinuation;
    private volatile boolean cancelled;
    private volatile SequenceHandle current;

    /**
     * @param first the sample's first sequence; with a budget, ask it for ids ({@link #engineSpec})
     * @param budget reasoning tokens allowed, or {@link GenerationRequest.Sampling#NO_THINKING_BUDGET}
     */
    ThinkingBudget(
            SequenceListener downstream,
            SequenceSpec first,
            int budget,
            int maxTokens,
            boolean returnTokenIds,
            boolean returnLogprobs,
            Context context) {
        this.downstream = downstream;
        this.first = first;
        this.budget = budget;
        this.maxTokens = maxTokens;
        this.returnTokenIds = returnTokenIds;
        this.returnLogprobs = returnLogprobs;
        this.context = context;
        this.reasoning = first.thinkPrefilled() ? Reasoning.OPEN : Reasoning.NOT_STARTED;
    }

    /** The scheduler's handle of the first sequence. */
    void attach(SequenceHandle h) {
        current = h;
        if (cancelled || cut) {
            h.cancel();
        }
    }

    /** Tokens generated inside the reasoning so far. */
    int reasoningTokens() {
        return reasoningTokens;
    }

    /** Whether the budget was reached inside the reasoning (and the server closed it). */
    boolean budgetReached() {
        return reached;
    }

    @Override
    public void cancel() {
        cancelled = true;
        SequenceHandle h = current;
        if (h != null) {
            h.cancel();
        }
    }

    @Override
    public void onStart() {
        if (!inContinuation) {
            downstream.onStart();
        }
    }

    @Override
    public void onText(String text, int[] tokenIds) {
        onText(text, tokenIds, List.of());
    }

    @Override
    public void onText(String text, int[] tokenIds, List<TokenLogprob> logprobs) {
        if (cut && !inContinuation) {
            return; // generated after the budget was reached, before the cancel took effect
        }
        int count = tokenIds.length > 0 ? tokenIds.length : 1;
        if (!inContinuation) {
            firstTokens += count;
            firstText.append(text);
            if (tokenIds.length == 0) {
                allIdsKnown = false;
            }
            for (int id : tokenIds) {
                firstIds.add(id);
            }
        }
        track(text, count);
        downstream.onText(text, returnTokenIds ? tokenIds : new int[0], returnLogprobs ? logprobs : List.of());
        if (!inContinuation && budget >= 0 && reasoning == Reasoning.OPEN && reasoningTokens >= budget) {
            cut = true;
            reached = true;
            reasoning = Reasoning.CLOSED; // by the server's CLOSE, which is not counted as reasoning
            SequenceHandle h = current;
            if (h != null) {
                h.cancel();
            }
        }
    }

    /** Follows the think tags across calls (a tag may be split); tokens of a call that starts inside count. */
    private void track(String text, int count) {
        if (reasoning == Reasoning.CLOSED) {
            return;
        }
        if (reasoning == Reasoning.OPEN) {
            reasoningTokens += count;
        }
        int from = tail.length();
        tail.append(text);
        if (reasoning == Reasoning.NOT_STARTED) {
            int open = tail.indexOf(OPEN_TAG, Math.max(0, from - OPEN_TAG.length() + 1));
            if (open >= 0) {
                reasoning = Reasoning.OPEN;
                from = open + OPEN_TAG.length();
            }
        }
        if (reasoning == Reasoning.OPEN && tail.indexOf(CLOSE_TAG, Math.max(0, from - CLOSE_TAG.length() + 1)) >= 0) {
            reasoning = Reasoning.CLOSED;
        }
        if (tail.length() > 64) {
            tail.delete(0, tail.length() - 16);
        }
    }

    @Override
    public void onFinish(SequenceResult result) {
        if (inContinuation) {
            int inserted = closeTokens > 0
                    ? closeTokens
                    : Math.max(0, result.promptTokens() - firstPromptTokens - firstTokens);
            downstream.onFinish(new SequenceResult(
                    result.reason(),
                    firstPromptTokens,
                    firstTokens + inserted + result.completionTokens(),
                    result.error()));
            return;
        }
        if (!cut || cancelled || result.reason() == FinishReason.ERROR) {
            downstream.onFinish(
                    cut
                            ? new SequenceResult(result.reason(), result.promptTokens(), firstTokens, result.error())
                            : result);
            return;
        }
        firstPromptTokens = result.promptTokens();
        try {
            context.executor().execute(this::continueAfterBudget);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            downstream.onFinish(SequenceResult.failed("server is shutting down", firstPromptTokens, firstTokens));
        }
    }

    /** Closes the reasoning and queues the sequence that writes the answer (off the engine's thread: tokenizing may block). */
    private void continueAfterBudget() {
        int[] closeIds;
        try {
            closeIds = withoutPrefix(
                    context.tokenize().apply(CLOSE), context.tokenize().apply(""));
        } catch (RuntimeException e) {
            downstream.onFinish(SequenceResult.failed(
                    "model could not tokenize the end of the reasoning: " + e.getMessage(),
                    firstPromptTokens,
                    firstTokens));
            return;
        }
        closeTokens = closeIds.length;
        List<TokenLogprob> forced = new ArrayList<>();
        if (returnLogprobs) {
            // Inserted by the server, not sampled: probability 1 under the server's rule.
            for (int id : closeIds) {
                forced.add(new TokenLogprob(id, 0f, List.of()));
            }
        }
        inContinuation = true;
        downstream.onText(CLOSE, returnTokenIds ? closeIds : new int[0], forced);
        int room = maxTokens - firstTokens - closeTokens;
        if (cancelled || room < 1) {
            downstream.onFinish(new SequenceResult(
                    cancelled ? FinishReason.CANCELLED : FinishReason.LENGTH,
                    firstPromptTokens,
                    firstTokens + closeTokens,
                    null));
            return;
        }
        SequenceSpec spec;
        try {
            spec = continuation(closeIds, room);
        } catch (IllegalStateException e) {
            downstream.onFinish(SequenceResult.failed(e.getMessage(), firstPromptTokens, firstTokens + closeTokens));
            return;
        }
        try {
            current = context.resubmit().submit(spec, this);
        } catch (ServerException e) {
            downstream.onFinish(SequenceResult.failed(
                    "the answer after max_thinking_tokens could not be queued: " + e.getMessage(),
                    firstPromptTokens,
                    firstTokens + closeTokens));
            return;
        }
        if (cancelled) {
            current.cancel();
        }
    }

    private SequenceSpec continuation(int[] closeIds, int room) {
        int[] promptIds = first.promptTokenIds();
        boolean asIds = context.idPrompts() && promptIds != null && allIdsKnown && closeIds.length > 0;
        if (first.tokenPrompt() && !asIds) {
            throw new IllegalStateException("cannot continue a token-id prompt after max_thinking_tokens: the engine "
                    + "did not report the generated token ids");
        }
        String generated = firstText.toString();
        List<ChatPrompt.Piece> pieces = new ArrayList<>(first.pieces());
        pieces.add(new ChatPrompt.Piece(generated, false));
        pieces.add(new ChatPrompt.Piece(CLOSE, true));
        int[] ids = null;
        if (asIds) {
            ids = new int[promptIds.length + firstIds.size() + closeIds.length];
            System.arraycopy(promptIds, 0, ids, 0, promptIds.length);
            for (int i = 0; i < firstIds.size(); i++) {
                ids[promptIds.length + i] = firstIds.get(i);
            }
            System.arraycopy(closeIds, 0, ids, promptIds.length + firstIds.size(), closeIds.length);
        }
        return SequenceSpec.builder(first.tokenPrompt() ? "" : first.prompt() + generated + CLOSE)
                .pieces(first.tokenPrompt() ? List.of() : pieces)
                .promptTokenIds(ids)
                .tokenPrompt(asIds)
                .thinkPrefilled(false)
                .temperature(first.temperature())
                .topP(first.topP())
                .topK(first.topK())
                .minP(first.minP())
                .frequencyPenalty(first.frequencyPenalty())
                .presencePenalty(first.presencePenalty())
                .seed(first.seed())
                .maxTokens(room)
                .stop(first.stop())
                .returnTokenIds(first.returnTokenIds())
                .returnLogprobs(first.returnLogprobs())
                .topLogprobs(first.topLogprobs())
                .build(); // no chat turns: the continuation is a raw prompt
    }

    /** {@code ids} without a leading {@code prefix} (the BOS a tokenizer adds to every text). */
    private static int[] withoutPrefix(int[] ids, int[] prefix) {
        if (prefix.length == 0 || ids.length < prefix.length) {
            return ids;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (ids[i] != prefix[i]) {
                return ids;
            }
        }
        return java.util.Arrays.copyOfRange(ids, prefix.length, ids.length);
    }
}
