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
    final java.util.List<Integer> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.List<dev.r1serve.server.engine.TokenLogprob> logprobs =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean textAfterFinish;

    @Override
    public void onText(String t, int[] tokenIds) {
        if (result.isDone()) {
            textAfterFinish = true;
        }
        text.append(t);
        for (int id : tokenIds) {
            ids.add(id);
        }
        firstText.countDown();
    }

    @Override
    public void onText(String t, int[] tokenIds, java.util.List<dev.r1serve.server.engine.TokenLogprob> lps) {
        logprobs.addAll(lps);
        onText(t, tokenIds);
    }

    @Override
    public void onFinish(SequenceResult r) {
        result.complete(r);
    }

    SequenceResult await() throws Exception {
        return result.get(10, TimeUnit.SECONDS);
    }
}
