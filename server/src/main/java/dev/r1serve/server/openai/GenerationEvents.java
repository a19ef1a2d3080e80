package dev.r1serve.server.openai;

import dev.r1serve.proto.v1.Sample;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.generation.Generation;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a generation's output from engine threads to the exchange's virtual thread. The queue is
 * unbounded, but bounded in practice by the text generated (n x max_tokens), as gRPC's StreamSender is;
 * engine threads never block on a slow HTTP client. Every generation ends with {@link Complete} or
 * {@link Failed} (the service's default timeout guarantees one).
 */
final class GenerationEvents implements Generation.Observer {

    /** One thing that happened. */
    sealed interface Event permits Queued, Delta, Done, Complete, Failed {}

    record Queued() implements Event {}

    record Delta(int index, String text) implements Event {}

    record Done(Sample sample) implements Event {}

    record Complete(List<Sample> samples) implements Event {}

    record Failed(ServerException error) implements Event {}

    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    @Override
    public void onQueued() {
        queue.add(new Queued());
    }

    @Override
    public void onDelta(int index, String text, int[] tokenIds) {
        queue.add(new Delta(index, text));
    }

    @Override
    public void onSample(Sample sample) {
        queue.add(new Done(sample));
    }

    @Override
    public void onComplete(List<Sample> samples) {
        queue.add(new Complete(samples));
    }

    @Override
    public void onError(ServerException error) {
        queue.add(new Failed(error));
    }

    /** The next event, or null after {@code millis} without one. */
    Event poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Every sample; throws the refusal when the generation failed. */
    List<Sample> awaitAll() throws InterruptedException {
        while (true) {
            switch (queue.take()) {
                case Complete c -> {
                    return c.samples();
                }
                case Failed f -> throw f.error();
                default -> {}
            }
        }
    }
}
