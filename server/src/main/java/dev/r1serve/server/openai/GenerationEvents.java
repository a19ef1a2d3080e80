package dev.r1serve.server.openai;

import dev.r1serve.proto.v1.Sample;
import dev.r1serve.server.generation.Generation;
import dev.r1serve.server.metrics.GenerationMetrics;
import io.grpc.Deadline;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a generation's output from engine threads to the exchange's virtual thread. The queue is
 * unbounded, but bounded in practice by the text generated (n x max_tokens), as gRPC's StreamSender is;
 * engine threads never block on a slow HTTP client.
 */
final class GenerationEvents implements Generation.Observer {

    /** One thing that happened. */
    sealed interface Event permits Delta, Done, Complete {}

    record Delta(int index, String text) implements Event {}

    record Done(Sample sample) implements Event {}

    record Complete(List<Sample> samples) implements Event {}

    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final GenerationMetrics metrics;
    private final String model;

    GenerationEvents(GenerationMetrics metrics, String model) {
        this.metrics = metrics;
        this.model = model;
    }

    @Override
    public void onDelta(int index, String text, int[] tokenIds) {
        queue.add(new Delta(index, text));
    }

    @Override
    public void onSample(Sample sample) {
        metrics.onSample(model, sample);
        queue.add(new Done(sample));
    }

    @Override
    public void onComplete(List<Sample> samples) {
        queue.add(new Complete(samples));
    }

    /** The next event, or null after {@code millis} without one. */
    Event poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Every sample, or null when the deadline passes first. */
    List<Sample> awaitAll(Deadline deadline) throws InterruptedException {
        while (true) {
            long left = deadline.timeRemaining(TimeUnit.MILLISECONDS);
            if (left <= 0) {
                return null;
            }
            if (queue.poll(left, TimeUnit.MILLISECONDS) instanceof Complete c) {
                return c.samples();
            }
        }
    }
}
