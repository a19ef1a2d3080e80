package dev.r1serve.eval.sampling;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What the eval harness and {@code r1 distill} share around sampling: the served model and the worker pool. */
public final class Workers {

    private Workers() {}

    /** The model called {@code name} on the server ({@code null}: its first), or an error listing what it hosts. */
    public static ModelInfo pickModel(R1Client client, String name, String server) {
        List<ModelInfo> models;
        try {
            models = client.listModels();
        } catch (io.grpc.StatusRuntimeException e) {
            throw new IllegalStateException(
                    "cannot list the models of " + server + ": " + e.getStatus().getCode()
                            + (e.getStatus().getDescription() == null
                                    ? ""
                                    : " (" + e.getStatus().getDescription() + ")"),
                    e);
        }
        if (models.isEmpty()) throw new IllegalStateException("server " + server + " hosts no models");
        if (name == null) return models.get(0);
        return models.stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model \"" + name + "\" is not hosted by " + server
                        + "; hosted: " + models.stream().map(ModelInfo::getName).collect(Collectors.joining(", "))));
    }

    /**
     * Runs {@code work} on every item, {@code concurrency} at a time. An item that fails does not stop the others;
     * afterwards the failures are thrown together ("3 question(s) failed ..."), since what was recorded is kept
     * and a {@code --resume} redoes only the rest.
     *
     * @param noun what an item is, for the message ("question", "prompt")
     */
    public static <T> void forEach(
            List<T> items, int concurrency, String noun, Function<T, String> id, Consumer<T> work) {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, noun + "-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    try {
                        work.accept(item);
                    } catch (RuntimeException e) {
                        failures.add(noun + " " + id.apply(item) + ": " + e.getMessage());
                    }
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted; resume with --resume", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(
                    failures.size() + " " + noun + "(s) failed (recorded samples are kept; rerun with --resume):\n  "
                            + failures.stream().limit(10).collect(Collectors.joining("\n  ")));
        }
    }
}
