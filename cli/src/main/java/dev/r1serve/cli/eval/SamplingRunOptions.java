package dev.r1serve.cli.eval;

import dev.r1serve.eval.Shard;
import dev.r1serve.eval.sampling.OpenAiEndpoint;
import dev.r1serve.eval.sampling.RetryPolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/**
 * The options {@code r1 eval} and {@code r1 distill} share (a picocli mixin): where to sample, how (the paper's
 * defaults), which part, where the run goes, and how patiently.
 */
final class SamplingRunOptions {

    @Option(
            names = "--server",
            defaultValue = "localhost:50051",
            description = "r1-serve server HOST:PORT (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--model", description = "Model to sample (default: the server's first model).")
    String model;

    @Option(names = "--limit", defaultValue = "0", description = "Use only the first N questions or prompts.")
    int limit;

    @Option(
            names = "--max-tokens",
            defaultValue = "32768",
            description = "Tokens per sample, capped at the model's context (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.6", description = "Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--top-p", defaultValue = "0.95", description = "Default: ${DEFAULT-VALUE}.")
    float topP;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Run seed (uint32); request seeds (and GPQA shuffles) derive from it and the ids.")
    long seed;

    @Option(
            names = "--shard",
            paramLabel = "i/N",
            description =
                    "Only shard i of N (questions or prompts whose position mod N is i); combine the shards with 'merge'.")
    String shard;

    @Option(names = "--out", description = "Run directory (default: runs/NAME-TIMESTAMP).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out, sampling only what is not recorded.")
    boolean resume;

    @Option(
            names = "--deadline-s",
            defaultValue = "7200",
            description = "Per-request deadline in seconds (default: ${DEFAULT-VALUE}).")
    long deadlineSeconds;

    @Option(
            names = "--max-attempts",
            defaultValue = "8",
            description = "Calls per request on UNAVAILABLE/RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(
            names = "--openai-url",
            paramLabel = "URL",
            description =
                    "Sample an OpenAI-compatible server (vLLM, SGLang, TGI, a hosted API) at this base URL, e.g. http://host:8000/v1, instead of --server; one request per sample with its own seed.")
    String openaiUrl;

    @Option(
            names = "--openai-mode",
            defaultValue = "chat",
            description =
                    "chat (/chat/completions, the server's template) or completions (/completions, raw prompt text) (default: ${DEFAULT-VALUE}).")
    String openaiMode;

    @Option(
            names = "--openai-api-key",
            paramLabel = "KEY",
            description = "Bearer key for --openai-url (default: the OPENAI_API_KEY environment variable, if set).")
    String openaiApiKey;

    /** The OpenAI-compatible server of {@code --openai-url}, or null for r1-serve's gRPC API. */
    OpenAiEndpoint openai() {
        if (openaiUrl == null) return null;
        String key = openaiApiKey != null ? openaiApiKey : System.getenv("OPENAI_API_KEY");
        return OpenAiEndpoint.of(openaiUrl, OpenAiEndpoint.Mode.parse(openaiMode), key);
    }

    /** {@code --out}, or {@code runs/NAME-TIMESTAMP}. */
    Path outOr(String name) {
        return out != null
                ? out
                : Path.of(
                        "runs",
                        name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    Shard shardOrAll() {
        return shard == null ? Shard.ALL : Shard.parse(shard);
    }

    Duration deadline() {
        return Duration.ofSeconds(deadlineSeconds);
    }

    RetryPolicy retry() {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(250), Duration.ofSeconds(30));
    }

    PrintStream progress() {
        return quiet ? null : System.err;
    }
}
