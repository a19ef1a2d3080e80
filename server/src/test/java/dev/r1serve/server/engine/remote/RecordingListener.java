package dev.r1serve.server.engine.remote;

import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Collects one sequence's output for assertions. */
final class RecordingListener implements SequenceListener {

    final StringBuffer text = new StringBuffer();
    final CountDownLatch firstText = new CountDownLatch(1);
    final CompletableFuture<SequenceResult> result = new CompletableFuture<>();
    volatile boolean textAfterFinish;

    @Override
    public void onText(String t, int[] tokenIds) {
        if (result.isDone()) {
            textAfterFinish = true;
        }
        text.append(t);
        firstText.countDown();
    }

    @Override
    public void onFinish(SequenceResult r) {
        result.complete(r);
    }

    SequenceResult await() throws Exception {
        return result.get(10, TimeUnit.SECONDS);
    }
}
