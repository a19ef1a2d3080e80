package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.sampling.RetryPolicy;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EvalRetryPolicyTest {

    @Test
    void retriesOnlyTransientRefusals() {
        assertTrue(RetryPolicy.retryable(Status.UNAVAILABLE.asRuntimeException()));
        assertTrue(RetryPolicy.retryable(Status.RESOURCE_EXHAUSTED.asRuntimeException()));
        assertFalse(RetryPolicy.retryable(Status.INVALID_ARGUMENT.asRuntimeException()));
        assertFalse(RetryPolicy.retryable(Status.DEADLINE_EXCEEDED.asRuntimeException()));
        assertFalse(RetryPolicy.retryable(Status.NOT_FOUND.asRuntimeException()));
    }

    @Test
    void honoursTheRetryAfterTrailerElseBacksOffExponentiallyWithJitter() {
        RetryPolicy p = new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(2));
        Metadata trailers = new Metadata();
        trailers.put(dev.r1serve.proto.errors.ErrorDetails.RETRY_AFTER_MS_KEY, "1234");
        StatusRuntimeException hinted = Status.RESOURCE_EXHAUSTED.asRuntimeException(trailers);
        for (int i = 0; i < 50; i++) {
            long ms = p.backoff(1, hinted).toMillis();
            assertTrue(ms >= 1234 && ms <= 1234 + 124, "hint honoured: " + ms);
        }
        StatusRuntimeException plain = Status.UNAVAILABLE.asRuntimeException();
        for (int i = 0; i < 50; i++) {
            long first = p.backoff(1, plain).toMillis(),
                    fourth = p.backoff(4, plain).toMillis(),
                    late = p.backoff(30, plain).toMillis();
            assertTrue(first >= 50 && first <= 100, "attempt 1: " + first);
            assertTrue(fourth >= 400 && fourth <= 800, "attempt 4: " + fourth);
            assertTrue(late >= 1000 && late <= 2000, "capped: " + late);
        }
    }
}
