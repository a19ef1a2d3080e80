package dev.r1serve.reward.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.reward.grpc.RolloutValidator;
import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.sandbox.Limits;
import dev.r1serve.reward.sandbox.RunResult;
import dev.r1serve.reward.sandbox.RunStatus;
import dev.r1serve.reward.sandbox.SandboxBusyException;
import dev.r1serve.reward.sandbox.SandboxPool;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * bytedance SandboxFusion's {@code POST /run_code}, as verl's {@code sandbox_fusion} reward calls it
 * ({@code verl/utils/reward_score/sandbox_fusion/utils.py}: {@code code}, {@code language}, {@code stdin},
 * {@code compile_timeout}, {@code run_timeout}, {@code files: {}}, {@code fetch_files: []}), answered with
 * SandboxFusion's {@code RunCodeResponse} ({@code sandbox/server/sandbox_api.py} and
 * {@code sandbox/runners/types.py}, read at commit 53a63417): {@code status} Success | Failed | SandboxError,
 * {@code message}, {@code compile_result} and {@code run_result} as {@code CommandRunResult{status: Finished |
 * Error | TimeLimitExceeded, execution_time, return_code, stdout, stderr}}, {@code executor_pod_name},
 * {@code files}. Runs go to the reward service's own {@link SandboxPool} (same isolation, queue and metrics).
 *
 * <p>Languages: python and cpp; SandboxFusion's others (go, java, nodejs, ...) are refused with 400 naming
 * {@code language}. Files in and out are not supported (400 when non-empty).
 */
final class SandboxFusionRunCode {

    /** SandboxFusion's {@code Language} literal. */
    private static final Set<String> SANDBOX_FUSION_LANGUAGES = Set.of(
            "python",
            "cpp",
            "nodejs",
            "go",
            "go_test",
            "java",
            "php",
            "csharp",
            "bash",
            "typescript",
            "sql",
            "rust",
            "cuda",
            "lua",
            "R",
            "perl",
            "D_ut",
            "ruby",
            "scala",
            "julia",
            "pytest",
            "junit",
            "kotlin_script",
            "jest",
            "verilog",
            "python_gpu",
            "lean",
            "swift",
            "racket");

    private static final Set<String> FIELDS = Set.of(
            "code",
            "language",
            "stdin",
            "compile_timeout",
            "run_timeout",
            "memory_limit_MB",
            "files",
            "fetch_files",
            "args");
    /** Longest run_timeout / compile_timeout accepted, in seconds. */
    static final double MAX_TIMEOUT_SECONDS = 60;

    static final int MIN_MEMORY_MB = 16;
    static final int MAX_MEMORY_MB = 8192;
    private static final double DEFAULT_TIMEOUT_SECONDS = 10; // SandboxFusion's

    private final SandboxPool pool;
    private final Limits base;

    /** @param pool null when bubblewrap is missing (every run is then 503) */
    SandboxFusionRunCode(SandboxPool pool, Limits base) {
        this.pool = pool;
        this.base = base;
    }

    ObjectNode run(JsonNode req) {
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!FIELDS.contains(k))
                throw HttpProblem.badRequest(
                        k, k + ": unknown field of RunCodeRequest " + new java.util.TreeSet<>(FIELDS));
        }
        String code = text(req, "code", true);
        String langName = text(req, "language", true);
        Language lang = Language.parse(langName)
                .filter(l -> langName.equals(l.label()))
                .orElseThrow(() -> HttpProblem.badRequest(
                        "language",
                        "language: '" + langName + "' is not supported by r1-serve's sandbox"
                                + (SANDBOX_FUSION_LANGUAGES.contains(langName)
                                        ? " (SandboxFusion has it; r1-serve runs python and cpp)"
                                        : " (not a SandboxFusion language either; r1-serve runs python and cpp)")));
        String stdin = text(req, "stdin", false);
        double runTimeout = seconds(req, "run_timeout");
        // compile limit: the sandbox compiles C++ under its own fixed allowance today (30 s CPU); compile_timeout is
        // validated but cannot narrow it until the sandbox takes a separate compile limit (issue 13).
        seconds(req, "compile_timeout");
        // run_timeout is wall-clock time, as in SandboxFusion; the CPU limit follows it up (not only down)
        Limits limits = new Limits(
                Math.max(1, Math.round(runTimeout * 1000)),
                (int) Math.ceil(runTimeout),
                base.memoryBytes(),
                base.processes(),
                base.fileBytes(),
                base.openFiles(),
                base.outputBytes());
        JsonNode mem = req.get("memory_limit_MB");
        if (mem != null && !mem.isNull()) {
            if (!mem.isIntegralNumber())
                throw HttpProblem.badRequest("memory_limit_MB", "memory_limit_MB must be an integer");
            long mb = mem.asLong();
            if (mb != -1) {
                if (mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB) {
                    throw HttpProblem.badRequest(
                            "memory_limit_MB",
                            "memory_limit_MB must be -1 (the default, " + (base.memoryBytes() >> 20) + ") or in ["
                                    + MIN_MEMORY_MB + ", " + MAX_MEMORY_MB + "], got " + mb);
                }
                limits = limits.withMemoryBytes(mb << 20);
            }
        }
        for (String unsupported : List.of("files", "fetch_files", "args")) {
            JsonNode v = req.get(unsupported);
            if (v != null && !v.isNull() && !v.isEmpty()) {
                throw HttpProblem.badRequest(
                        unsupported, unsupported + ": not supported by r1-serve's sandbox (send it empty)");
            }
        }
        if (pool == null) {
            throw new HttpProblem(
                    503, null, "the code sandbox is disabled on this server: bubblewrap (bwrap) is not installed", 0);
        }
        RunResult r;
        try {
            r = pool.submit(lang, code, stdin == null ? "" : stdin, limits)
                    .toCompletableFuture()
                    .join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SandboxBusyException busy)
                throw new HttpProblem(429, null, busy.getMessage() + "; retry later", 1);
            throw e;
        }
        return response(lang, r);
    }

    private static String text(JsonNode req, String field, boolean required) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            if (required) throw HttpProblem.badRequest(field, field + " is required");
            return null;
        }
        if (!v.isTextual()) throw HttpProblem.badRequest(field, field + " must be a string");
        if (v.asText().length() > RolloutValidator.MAX_TEXT_CHARS) {
            throw HttpProblem.badRequest(field, field + " is over " + RolloutValidator.MAX_TEXT_CHARS + " chars");
        }
        return v.asText();
    }

    private static double seconds(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) return DEFAULT_TIMEOUT_SECONDS;
        if (!v.isNumber()) throw HttpProblem.badRequest(field, field + " must be a number of seconds");
        double s = v.asDouble();
        if (!(s > 0 && s <= MAX_TIMEOUT_SECONDS)) {
            throw HttpProblem.badRequest(
                    field, field + " must be in (0, " + (int) MAX_TIMEOUT_SECONDS + "] seconds, got " + v);
        }
        return s;
    }

    /** Our run as SandboxFusion reports one (its parse_run_status: an Error is SandboxError; TLE or rc != 0 Failed). */
    static ObjectNode response(Language lang, RunResult r) {
        ObjectNode out = RewardHttpFront.JSON.createObjectNode();
        boolean compileError = r.status() == RunStatus.ERROR && "compile error".equals(r.detail());
        boolean compileTimeout = r.status() == RunStatus.ERROR && "compile timed out".equals(r.detail());
        if (lang == Language.CPP) {
            ObjectNode c = out.putObject("compile_result");
            if (compileError || compileTimeout) {
                c.put("status", compileError ? "Finished" : "TimeLimitExceeded").putNull("execution_time");
                if (compileError) c.put("return_code", 1);
                else c.putNull("return_code");
                c.put("stdout", "").put("stderr", compileError ? r.stderr() : "");
            } else {
                // compile time is not reported separately by the sandbox; it is part of the run's wall time
                c.put("status", "Finished")
                        .putNull("execution_time")
                        .put("return_code", 0)
                        .put("stdout", "")
                        .put("stderr", "");
            }
        } else {
            out.putNull("compile_result");
        }
        String status;
        if (compileError || compileTimeout) {
            out.putNull("run_result");
            status = "Failed";
        } else {
            ObjectNode run = out.putObject("run_result");
            String runStatus = switch (r.status()) {
                case TIMEOUT -> "TimeLimitExceeded";
                case ERROR -> "Error";
                default -> "Finished";
            };
            run.put("status", runStatus).put("execution_time", r.wallMillis() / 1000.0);
            if (r.status() == RunStatus.TIMEOUT || r.status() == RunStatus.ERROR) run.putNull("return_code");
            else run.put("return_code", r.exitCode());
            run.put("stdout", r.stdout()).put("stderr", r.stderr());
            status = switch (r.status()) {
                case ERROR -> "SandboxError";
                case OK -> r.exitCode() == 0 ? "Success" : "Failed";
                default -> "Failed";
            };
        }
        out.put("status", status);
        out.put("message", status.equals("Success") ? "" : r.status().label() + ": " + r.detail());
        out.putNull("executor_pod_name");
        out.putObject("files");
        return out;
    }
}
