package dev.r1serve.eval.sampling;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.r1serve.eval.Shard;
import dev.r1serve.eval.benchmark.ChoiceShuffler;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.Sample;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * What {@code r1 eval} and {@code r1 distill} share: a run directory with {@code run.json} (the manifest, checked
 * on {@code --resume}) and the append-only {@code samples.jsonl}; a worker pool that asks for every sample not
 * recorded yet, with seeds derived from the run seed and the item ids; and the merge of shard runs.
 *
 * <pre>{@code
 * try (AppendOnlyJsonl<R> store = SamplingRun.open(out, manifest, resume, M.class, M::equals, records)) {
 *     int fresh = SamplingRun.sample(sampler, items, k, work, store, settings);
 * }
 * }</pre>
 */
public final class SamplingRun {

    /** File names inside a run directory. */
    public static final String SAMPLES = "samples.jsonl", MANIFEST = "run.json";
    /** Finish reason of the samples of a prompt refused as longer than the context (see {@link PromptTooLongException}). */
    public static final String PROMPT_TOO_LONG = "prompt_too_long";

    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private SamplingRun() {}

    /**
     * How one kind of record is stored and keyed.
     *
     * @param problem what is wrong with a parsed record, or null when it is fine
     */
    public record Records<R>(
            Class<R> type, Function<R, String> itemId, ToIntFunction<R> sample, Function<R, String> problem) {

        public AppendOnlyJsonl<R> open(Path file, boolean resume) {
            return AppendOnlyJsonl.open(file, resume, type, problem);
        }

        public List<R> read(Path file) {
            return AppendOnlyJsonl.read(file, type, problem);
        }
    }

    /** One request of an item, for its samples {@code firstIndex .. firstIndex + n - 1}. */
    public record Request(int firstIndex, GenerateRequest request) {
        int n() {
            return request.getSampling().getN();
        }
    }

    /** What a run samples: its items' ids and requests, and how a sample becomes a record. */
    public interface Work<T, R> {
        String id(T item);

        /** The requests of {@code item}, together asking for samples 0..k-1. */
        List<Request> requests(T item);

        /** The record of sample {@code sample} of {@code item}, which finished for {@code finishReason}. */
        R record(T item, int sample, Sample s, String finishReason);

        /** Whether a record of {@code item} counts towards the progress line's running share. */
        boolean passes(T item, R record);
    }

    /**
     * How many items in flight, how patiently, and what the progress line says.
     *
     * @param progress where the progress line goes (stderr), or null
     * @param task the progress line's prefix ("eval", "distill")
     * @param noun what an item is ("question", "prompt")
     * @param share what the running share of {@link Work#passes} is called ("acc", "pass")
     */
    public record Settings(
            int concurrency,
            Duration deadline,
            RetryPolicy retry,
            PrintStream progress,
            String task,
            String noun,
            String share) {}

    /** Seed of an item's request (uint32, as llama.cpp takes); {@code sample} -1 for a request of all k samples. */
    public static long requestSeed(long runSeed, String itemId, int sample) {
        return ChoiceShuffler.permutationSeed(runSeed, itemId, sample) & 0xFFFF_FFFFL;
    }

    /** A sample's finish reason as recorded: stop, eos, length, cancelled or error. */
    public static String finishReason(Sample s) {
        return s.getFinishReason().name().replace("FINISH_REASON_", "").toLowerCase(Locale.ROOT);
    }

    /** Whether a sample that finished for {@code finishReason} failed: nothing it wrote counts. */
    public static boolean failed(String finishReason) {
        return finishReason.equals("cancelled") || finishReason.equals("error") || finishReason.equals(PROMPT_TOO_LONG);
    }

    /**
     * Creates the run directory {@code out}, refuses to resume a run recorded with other settings, writes
     * {@code manifest} and opens {@code samples.jsonl} for appending.
     *
     * @param sameRun whether a run recorded with the first manifest may be continued with the second
     */
    public static <M, R> AppendOnlyJsonl<R> open(
            Path out, M manifest, boolean resume, Class<M> type, BiPredicate<M, M> sameRun, Records<R> records) {
        try {
            Files.createDirectories(out);
            Path manifestFile = out.resolve(MANIFEST);
            if (resume && Files.exists(manifestFile)) {
                M recorded = readManifest(out, type, "run directory");
                if (!sameRun.test(recorded, manifest)) {
                    throw new IllegalStateException(
                            "cannot resume " + out + ": it was recorded with other settings\n  recorded: " + recorded
                                    + "\n  now:      " + manifest);
                }
            }
            AppendOnlyJsonl<R> store = records.open(out.resolve(SAMPLES), resume);
            JSON.writeValue(manifestFile.toFile(), manifest);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a run directory's {@code run.json}; {@code what} names the directory in the error ("distill run directory"). */
    public static <M> M readManifest(Path dir, Class<M> type, String what) {
        Path f = dir.resolve(MANIFEST);
        if (!Files.exists(f)) throw new DataFormatException(f + ": no such file (not a " + what + "?)");
        try {
            return JSON.readValue(f.toFile(), type);
        } catch (IOException e) {
            throw new DataFormatException(f + ": unreadable run manifest: " + e.getMessage(), e);
        }
    }

    /**
     * Samples everything of {@code items} not in {@code store} yet, {@code concurrency} items at a time, appending
     * each record as its sample finishes; returns the number of new records. A prompt refused as too long is
     * recorded as {@value #PROMPT_TOO_LONG}; a failing item does not stop the others (see {@link Workers#forEach}).
     */
    public static <T, R> int sample(
            Sampler sampler,
            List<T> items,
            int k,
            Work<T, R> work,
            AppendOnlyJsonl<R> store,
            Records<R> records,
            Settings settings) {
        Map<String, Set<Integer>> recorded = new HashMap<>();
        for (R r : store.records())
            recorded.computeIfAbsent(records.itemId().apply(r), x -> new HashSet<>())
                    .add(records.sample().applyAsInt(r));
        List<T> todo = items.stream()
                .filter(t -> recorded.getOrDefault(work.id(t), Set.of()).size() < k)
                .toList();
        int already = items.stream()
                .mapToInt(t ->
                        Math.min(k, recorded.getOrDefault(work.id(t), Set.of()).size()))
                .sum();
        Progress progress = new Progress(
                settings.progress(),
                settings.task(),
                settings.noun() + "s",
                settings.share(),
                items.size(),
                items.size() * k,
                items.size() - todo.size(),
                already);
        AtomicInteger fresh = new AtomicInteger();
        try {
            Workers.forEach(todo, settings.concurrency(), settings.noun(), work::id, item -> {
                Set<Integer> have = recorded.getOrDefault(work.id(item), Set.of());
                for (Request req : work.requests(item)) {
                    Set<Integer> skip = new HashSet<>(); // indices within the request
                    for (int i : have)
                        if (i >= req.firstIndex() && i < req.firstIndex() + req.n()) skip.add(i - req.firstIndex());
                    if (skip.size() == req.n()) continue;
                    Set<Integer> done = new HashSet<>(skip);
                    // lazily: each sample is recorded as it finishes
                    Iterator<Sample> samples = sampler.samples(
                                    req.request(), skip, settings.deadline(), settings.retry())
                            .iterator();
                    while (true) {
                        Sample s;
                        try {
                            if (!samples.hasNext()) break;
                            s = samples.next();
                        } catch (PromptTooLongException e) {
                            // only the sampler's refusal: a judge's (in record) fails the item as any other error
                            for (Sample u : e.unanswered()) {
                                if (done.add(u.getIndex()))
                                    append(work, item, req, u, PROMPT_TOO_LONG, store, fresh, progress);
                            }
                            break;
                        }
                        // recorded before a crash: same seed, same sample
                        if (done.add(s.getIndex())) append(work, item, req, s, finishReason(s), store, fresh, progress);
                    }
                }
                progress.question();
            });
        } finally {
            progress.finish();
        }
        return fresh.get();
    }

    private static <T, R> void append(
            Work<T, R> work,
            T item,
            Request req,
            Sample s,
            String finishReason,
            AppendOnlyJsonl<R> store,
            AtomicInteger fresh,
            Progress progress) {
        R r = work.record(item, req.firstIndex() + s.getIndex(), s, finishReason);
        store.append(r);
        fresh.incrementAndGet();
        progress.sample(work.passes(item, r), s.getUsage().getCompletionTokens());
    }

    /** The shard runs of one run: the first shard's manifest and every shard's records. */
    public record Shards<M, R>(M first, List<R> records) {}

    /**
     * Reads the shard runs {@code dirs} of one run ({@code --shard i/N} for every i): each shard exactly once, all
     * recorded with the same settings ({@code sameRun(first, other)}; {@code differs} says what may differ, for
     * the error).
     */
    public static <M, R> Shards<M, R> readShards(
            List<Path> dirs,
            Class<M> type,
            String what,
            Function<M, Shard> shard,
            BiPredicate<M, M> sameRun,
            String differs,
            Records<R> records) {
        if (dirs.isEmpty()) throw new IllegalArgumentException("merge needs the shard run directories");
        List<M> manifests = dirs.stream().map(d -> readManifest(d, type, what)).toList();
        M first = manifests.get(0);
        Shard.requireCompleteSet(manifests.stream().map(shard).toList(), dirs);
        for (int i = 1; i < manifests.size(); i++) {
            if (!sameRun.test(first, manifests.get(i))) {
                throw new IllegalArgumentException(
                        dirs.get(i) + " is not of the same run as " + dirs.get(0) + " (" + differs + ")");
            }
        }
        List<R> all = new ArrayList<>();
        for (Path dir : dirs) all.addAll(records.read(dir.resolve(SAMPLES)));
        return new Shards<>(first, all);
    }

    /** Writes a merged run's {@code run.json} and {@code samples.jsonl} into {@code out}. */
    public static void writeMerged(Path out, Object manifest, List<?> records) {
        try {
            Files.createDirectories(out);
            JSON.writeValue(out.resolve(MANIFEST).toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve(MANIFEST), e);
        }
        AppendOnlyJsonl.rewrite(out.resolve(SAMPLES), records);
    }
}
