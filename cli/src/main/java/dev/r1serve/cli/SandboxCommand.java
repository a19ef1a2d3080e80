package dev.r1serve.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.sandbox.Limits;
import dev.r1serve.reward.sandbox.RunResult;
import dev.r1serve.reward.sandbox.Sandbox;
import dev.r1serve.reward.sandbox.SandboxUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code r1 sandbox run}: one program in the code sandbox, its outcome as one JSON line. */
@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        description = "The isolated code runner (bubblewrap).",
        subcommands = {SandboxCommand.Run.class})
final class SandboxCommand {

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description =
                    "Run FILE in the sandbox; prints status, exit code, signal, stdout/stderr (capped), cpu and wall ms as JSON.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--lang", defaultValue = "python", description = "python or cpp (default: ${DEFAULT-VALUE}).")
        String lang;

        @Parameters(index = "0", description = "Source file.")
        Path file;

        @Option(names = "--stdin", description = "File fed to the program's standard input.")
        Path stdin;

        @Option(
                names = "--timeout-ms",
                defaultValue = "5000",
                description = "Wall-clock limit (default: ${DEFAULT-VALUE}); the CPU limit follows it.")
        long timeoutMs;

        @Option(
                names = "--memory-mb",
                defaultValue = "512",
                description = "Address-space limit (default: ${DEFAULT-VALUE}).")
        long memoryMb;

        @Override
        public Integer call() throws Exception {
            Language l = Language.parse(lang).orElse(null);
            if (l == null) {
                System.err.println("--lang must be python or cpp");
                return 2;
            }
            Sandbox sandbox;
            try {
                sandbox = Sandbox.detect();
            } catch (SandboxUnavailableException e) {
                System.err.println(e.getMessage());
                return 3;
            }
            Limits limits = Limits.DEFAULT.withWallMillis(timeoutMs).withMemoryBytes(memoryMb << 20);
            String in = stdin == null ? "" : Files.readString(stdin, StandardCharsets.UTF_8);
            RunResult r = sandbox.run(l, Files.readString(file, StandardCharsets.UTF_8), in, limits);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("status", r.status().label());
            json.put("exit_code", r.exitCode());
            json.put("signal", r.signal());
            json.put("stdout", r.stdout());
            json.put("stderr", r.stderr());
            json.put("output_truncated", r.outputTruncated());
            json.put("cpu_ms", r.cpuMillis());
            json.put("wall_ms", r.wallMillis());
            json.put("detail", r.detail());
            System.out.println(new ObjectMapper().writeValueAsString(json));
            return 0;
        }
    }
}
