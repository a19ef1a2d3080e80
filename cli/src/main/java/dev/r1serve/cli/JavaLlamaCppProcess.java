package dev.r1serve.cli;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.r1serve.server.engine.llamacpp.NativeLibrary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench serve}'s baseline: java-llama.cpp's own server loop on the same GGUF, in a child JVM driven over its
 * standard streams. A child of its own, because java-llama.cpp's libjllama.so is built with OpenMP: every thread
 * that decodes gets its own OpenMP team, and once a process has more OpenMP threads than cores (two llama.cpp
 * contexts decoding from two threads, as the baseline and r1-serve's engine would in one JVM), libgomp stops
 * spinning at its barriers and sleeps at every one of the graph's hundreds per step. Measured: r1-serve's decode
 * step went from 27 ms to 40-45 ms with an idle java-llama.cpp model loaded beside it. Apart, each process has one
 * team, as a user running either would.
 *
 * <p>Protocol, one line each way: {@code decode N} (N concurrent generations; answers tokens/s), {@code count TEXT}
 * (tokens of TEXT, sent as Base64 of its UTF-8), {@code rss} (resident kB). Answers start with {@link #ANSWER}; other
 * output of the child is passed to standard error.
 */
final class JavaLlamaCppProcess implements AutoCloseable {

    private static final String ANSWER = "@r1 ";
    static final String PROMPT = "The answer is";

    private final Process child;
    private final BufferedReader from;
    private final Writer to;

    JavaLlamaCppProcess(Path gguf, int context, int slots, int threads, int tokens) throws IOException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        child = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        JavaLlamaCppProcess.class.getName(),
                        gguf.toString(),
                        Integer.toString(context),
                        Integer.toString(slots),
                        Integer.toString(threads),
                        Integer.toString(tokens))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        to = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        answer(); // "ready": the model is loaded
    }

    /** Tokens/s of {@code streams} concurrent generations of exactly {@code tokens} tokens each. */
    double decode(int streams) throws IOException {
        return Double.parseDouble(ask("decode " + streams));
    }

    /** Tokens of {@code text} by the model's own tokenizer (llama.cpp's). */
    int count(String text) throws IOException {
        return Integer.parseInt(
                ask("count " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** The child's resident memory in kB. */
    long childRssKb() throws IOException {
        return Long.parseLong(ask("rss"));
    }

    private String ask(String line) throws IOException {
        to.write(line + "\n");
        to.flush();
        return answer();
    }

    /** The child's next answer; its other output goes to standard error. */
    private String answer() throws IOException {
        for (String l; (l = from.readLine()) != null; ) {
            if (l.startsWith(ANSWER)) {
                String answer = l.substring(ANSWER.length());
                if (answer.startsWith("error ")) {
                    throw new IOException("java-llama.cpp process: " + answer.substring(6));
                }
                return answer;
            }
            System.err.println(l);
        }
        throw new IOException("the java-llama.cpp process ended (exit " + waitFor() + ")");
    }

    private int waitFor() {
        try {
            return child.waitFor(10, TimeUnit.SECONDS) ? child.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            to.close(); // end of input: the child closes its model and exits
        } catch (IOException e) {
            // already gone
        }
        if (waitFor() == -1) {
            child.destroyForcibly();
        }
    }

    /** The child: loads the model, then answers one request per input line until end of input. */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err); // anything the native side prints stays off the protocol
        NativeLibrary.prepare();
        Path gguf = Path.of(args[0]);
        int context = Integer.parseInt(args[1]);
        int slots = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int tokens = Integer.parseInt(args[4]);
        try (LlamaModel llama = new LlamaModel(new ModelParameters()
                .setModel(gguf.toString())
                .setCtxSize(context * slots)
                .setParallel(slots)
                .enableContBatching()
                .setThreads(threads)
                .setThreadsBatch(threads)
                .disableLog())) {
            out.println(ANSWER + "ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String answer;
                try {
                    if (line.startsWith("decode ")) {
                        answer = Double.toString(decode(llama, Integer.parseInt(line.substring(7)), tokens));
                    } else if (line.startsWith("count ")) {
                        String text = new String(Base64.getDecoder().decode(line.substring(6)), StandardCharsets.UTF_8);
                        answer = Integer.toString(llama.encode(text).length);
                    } else if (line.equals("rss")) {
                        answer = Long.toString(rssKb());
                    } else {
                        answer = "error unknown request: " + line;
                    }
                } catch (RuntimeException e) {
                    answer = "error " + e;
                }
                out.println(ANSWER + answer);
                out.flush();
            }
        }
        System.exit(0); // java-llama.cpp's server thread is not a daemon and outlives the model
    }

    /**
     * Tokens/s of {@code streams} sequences together, from the first result to the last (prefill excluded): each
     * runs to exactly {@code tokens} tokens (ignore_eos), so the count is engine steps, not results (a token ending
     * inside a character has no result of its own). The sequences are read round-robin from one thread.
     */
    private static double decode(LlamaModel llama, int streams, int tokens) {
        List<LlamaIterator> its = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            InferenceParameters p = new InferenceParameters(PROMPT)
                    .setTemperature(0)
                    .setNPredict(tokens)
                    .setIgnoreEos(true)
                    .setCachePrompt(false)
                    .setSeed(s + 1);
            its.add((LlamaIterator) llama.generate(p).iterator());
        }
        long first = 0;
        long last = 0;
        while (!its.isEmpty()) {
            for (Iterator<LlamaIterator> i = its.iterator(); i.hasNext(); ) {
                LlamaIterator it = i.next();
                if (!it.hasNext()) {
                    i.remove();
                    continue;
                }
                it.next();
                if (!it.hasNext()) {
                    i.remove(); // the final, empty result of the stream
                    continue;
                }
                last = System.nanoTime();
                if (first == 0) {
                    first = last;
                }
            }
        }
        return (streams * tokens - 1) / ((last - first) / 1e9);
    }

    /** VmRSS of this process in kB (0 where /proc is not available). */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return 0;
    }
}
