package dev.r1serve.server.api;

import dev.r1serve.proto.v1.GenerateChunk;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a GenerateStream's chunks with gRPC flow control. The engine thread must never block on a slow
 * reader, so chunks go out only while the call {@code isReady()}; otherwise they wait here, and text
 * deltas of the same sample are merged while they wait. Memory is therefore bounded by the text the
 * samples generate (at most n x max_tokens), not by the number of tokens; past
 * {@link #MAX_BUFFERED_CHARS} the stream is cancelled with RESOURCE_EXHAUSTED (its generation stops).
 */
final class StreamSender {

    /** Characters a stream may hold back for a reader that does not read. */
    static final int MAX_BUFFERED_CHARS = 16 << 20;

    private final ServerCallStreamObserver<GenerateChunk> call;
    private final Runnable onOverflow;
    private final long maxBufferedChars;
    private final ArrayDeque<GenerateChunk.Builder> pending = new ArrayDeque<>();
    /** Per sample, its waiting delta that new text may still be merged into. */
    private final Map<Integer, GenerateChunk.Builder> openDeltas = new HashMap<>();

    private long bufferedChars;
    private boolean completed;
    private boolean closed;

    StreamSender(ServerCallStreamObserver<GenerateChunk> call, Runnable onOverflow) {
        this(call, onOverflow, MAX_BUFFERED_CHARS);
    }

    StreamSender(ServerCallStreamObserver<GenerateChunk> call, Runnable onOverflow, long maxBufferedChars) {
        this.call = call;
        this.onOverflow = onOverflow;
        this.maxBufferedChars = maxBufferedChars;
        call.setOnReadyHandler(this::drain);
    }

    synchronized void delta(int index, String text, int[] tokenIds) {
        delta(index, text, tokenIds, java.util.List.of());
    }

    synchronized void delta(
            int index, String text, int[] tokenIds, java.util.List<dev.r1serve.proto.v1.TokenLogprob> logprobs) {
        if (closed) {
            return;
        }
        GenerateChunk.Builder open = openDeltas.get(index);
        if (open == null) {
            open = GenerateChunk.newBuilder().setIndex(index);
            openDeltas.put(index, open);
            pending.addLast(open);
        }
        open.setTextDelta(open.getTextDelta() + text);
        for (int id : tokenIds) {
            open.addTokenIds(id);
        }
        open.addAllLogprobs(logprobs);
        bufferedChars += text.length() + tokenIds.length + logprobs.size();
        if (bufferedChars > maxBufferedChars) {
            overflow();
            return;
        }
        drain();
    }

    synchronized void sampleDone(GenerateChunk finalChunk) {
        if (closed) {
            return;
        }
        openDeltas.remove(finalChunk.getIndex());
        pending.addLast(finalChunk.toBuilder());
        drain();
    }

    synchronized void complete() {
        completed = true;
        drain();
    }

    synchronized void drain() {
        if (closed) {
            return;
        }
        if (call.isCancelled()) {
            closed = true;
            pending.clear();
            return;
        }
        while (!pending.isEmpty() && call.isReady()) {
            GenerateChunk.Builder next = pending.pollFirst();
            if (openDeltas.get(next.getIndex()) == next) {
                openDeltas.remove(next.getIndex());
            }
            bufferedChars -= next.getTextDelta().length() + next.getTokenIdsCount();
            call.onNext(next.build());
        }
        if (completed && pending.isEmpty()) {
            closed = true;
            call.onCompleted();
        }
    }

    /** The generation failed as a whole (e.g. ran past the server's default timeout): nothing more is sent. */
    synchronized void fail(io.grpc.StatusRuntimeException status) {
        if (closed || call.isCancelled()) {
            return;
        }
        closed = true;
        pending.clear();
        openDeltas.clear();
        call.onError(status);
    }

    private void overflow() {
        closed = true;
        pending.clear();
        openDeltas.clear();
        onOverflow.run();
        call.onError(Status.RESOURCE_EXHAUSTED
                .withDescription(
                        "stream reader too slow: more than " + maxBufferedChars + " characters waiting to be sent")
                .asRuntimeException());
    }
}
