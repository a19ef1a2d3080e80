package dev.r1serve.eval.sampling;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.Sample;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The samples of one request (n samples), as they finish, with transient refusals retried: what the eval harness
 * and {@code r1 distill} both sample through. A stream that fails after some samples finished is retried as a
 * whole; samples already returned are skipped by index (the server derives each sample's seed from the request
 * seed and index, so they come out the same). A prompt refused as longer than the context throws
 * {@link PromptTooLongException} before any sample: retrying cannot help.
 */
public final class SampleStream implements Iterable<Sample> {

    private final R1Client client;
    private final GenerateRequest request;
    private final Duration deadline;
    private final RetryPolicy retry;

    public SampleStream(R1Client client, GenerateRequest request, Duration deadline, RetryPolicy retry) {
        this.client = client;
        this.request = request;
        this.deadline = deadline;
        this.retry = retry;
    }

    /** {@code n} samples that finished with {@code error} (finish reason error), all with the request's seed. */
    public static List<Sample> unanswered(int n, long seed, String error) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Sample.newBuilder()
                    .setIndex(i)
                    .setSeed(seed)
                    .setFinishReason(FinishReason.FINISH_REASON_ERROR)
                    .setError(error)
                    .build());
        }
        return out;
    }

    /**
     * Whether the server refused the request's prompt as longer than the model's context: the one place the gRPC
     * side recognises it, by the ErrorInfo reason {@code PROMPT_TOO_LONG}.
     */
    static boolean promptTooLong(StatusRuntimeException e) {
        return ErrorDetails.is(e, ErrorReason.PROMPT_TOO_LONG);
    }

    @Override
    public Iterator<Sample> iterator() {
        return new Iterator<>() {
            private Iterator<GenerateChunk> stream;
            private Sample next;
            private final Set<Integer> delivered = new HashSet<>();
            private int attempt;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    try {
                        if (stream == null) {
                            attempt++;
                            stream = client.generateStream(request, deadline);
                        }
                        if (!stream.hasNext()) {
                            if (delivered.size() < request.getSampling().getN()) {
                                throw new IllegalStateException("stream ended after " + delivered.size() + " of "
                                        + request.getSampling().getN() + " samples");
                            }
                            return false;
                        }
                        GenerateChunk c = stream.next();
                        if (c.hasFinal() && delivered.add(c.getIndex())) next = c.getFinal();
                    } catch (StatusRuntimeException e) {
                        stream = null;
                        if (promptTooLong(e)) {
                            String d = e.getStatus().getDescription();
                            throw new PromptTooLongException(
                                    d,
                                    unanswered(
                                            request.getSampling().getN(),
                                            request.getSampling().getSeed(),
                                            d));
                        }
                        if (!RetryPolicy.retryable(e) || attempt >= retry.maxAttempts()) {
                            throw new IllegalStateException(
                                    e.getStatus().getCode() + " after " + attempt + " attempt(s): "
                                            + e.getStatus().getDescription(),
                                    e);
                        }
                        sleep(retry.backoff(attempt, e).toMillis());
                    }
                }
                return true;
            }

            @Override
            public Sample next() {
                if (!hasNext()) throw new NoSuchElementException();
                Sample s = next;
                next = null;
                return s;
            }
        };
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
