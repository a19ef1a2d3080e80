package dev.r1serve.reward.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs untrusted code in a bubblewrap sandbox. Thread-safe; every run gets its own namespaces and directories.
 *
 * <p>Isolation of one run:
 * <ul>
 *   <li>{@code bwrap --unshare-all}: new user, PID, network (loopback only, no route out), IPC, UTS, cgroup
 *       and mount namespaces; {@code --die-with-parent} and {@code --new-session} (no terminal injection);
 *       {@code --as-pid-1}: the program is the PID namespace's init, so no bubblewrap process shares the sandbox
 *       with it (nothing to read, trace or kill), nothing inside can signal it, and when it exits the kernel
 *       kills whatever it left behind;</li>
 *   <li>bubblewrap itself starts with an empty environment (nothing of the JVM's, such as API keys, is
 *       inherited) and the program with {@code --clearenv} plus PATH, HOME, LANG;</li>
 *   <li>a seccomp filter ({@link SeccompFilter}) loaded by bubblewrap before the program starts: no
 *       {@code ptrace}, {@code process_vm_*}, {@code mount}, {@code keyctl}, {@code bpf}, {@code perf_event_open},
 *       {@code userfaultfd}, {@code io_uring}, memory outside the limits ({@code memfd_create}, System V shared
 *       memory); compiled programs may not fork at all;</li>
 *   <li>a root of read-only binds: {@code /usr} and the {@code /bin}, {@code /lib*} links (or read-only binds
 *       where they are real directories), the interpreter's prefix if it lives outside {@code /usr}, and
 *       {@code /etc/ld.so.cache}; no {@code /etc} otherwise, no home, no repository; {@code /dev} read-only;</li>
 *   <li>the source read-only at {@code /src}; writable storage only in size-capped tmpfs mounts
 *       ({@code /work}, the working directory, {@code /tmp} and {@code /dev/shm}), which together take a quarter
 *       of the run's memory budget ({@link Limits#storageBytes()}), the address-space limit the rest;</li>
 *   <li>uid/gid 65534 inside. When the JVM runs as root, bwrap itself is started as host uid 65534
 *       ({@code setpriv}): root's processes are exempt from RLIMIT_NPROC, and a host root mapped into the
 *       namespace would be a needless privilege;</li>
 *   <li>rlimits (CPU, address space, processes, file size, open files, no core dumps) set before the program
 *       runs: by the Python interpreter itself, which starts as the sandbox's first program and then runs the
 *       untrusted code in-process ({@code python_boot.py}); for compiled programs by {@code prlimit}, which then
 *       execs the binary. Wall time and output size are enforced here; on either, the sandbox's processes are
 *       SIGKILLed.</li>
 * </ul>
 *
 * <p>A run's status comes from bubblewrap's exit status, which is the program's own (128 + signal when killed):
 * never from text the program could print. C++ is compiled and run in two sandboxes, each with its own limits,
 * so the run gets exactly the wall and CPU time asked for. Function-call tests run the candidate and the tests
 * in two sandboxes ({@link FunctionCallRun}).
 */
public final class Sandbox {

    /** The boot's CPU-time report on stderr; the last one wins. */
    private static final Pattern CPU_MS = Pattern.compile("\n@@r1-sandbox@@ cpu_ms=(\\d+)\n");
    /** How bubblewrap reports that it could not set a sandbox up (it then exits 1). */
    private static final Pattern BWRAP_ERROR = Pattern.compile("(?m)^bwrap: ");
    /** The trusted start of a Python run (see the file): rlimits, then the program, a candidate or a judge. */
    private static final String PYTHON_BOOT = resource("python_boot.py");
    /** Compiling C++ gets its own sandbox and these limits; the program's limits apply to its run only. */
    static final Limits COMPILE = new Limits(30_000, 30, 2L << 30, 64, 64L << 20, 256, 64 * 1024);

    /**
     * Threads that feed stdin and drain stdout/stderr of runs. Platform threads, reused: a pipe read blocks its
     * carrier, so virtual threads would make the scheduler start compensating carriers on every run.
     */
    static final ExecutorService PIPES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-pipe");
        t.setDaemon(true);
        return t;
    });

    private final Path bwrap;
    private final Path prlimit;
    private final Path setpriv; // null when not root
    private final Path shell;
    private final Path python;
    private final Path gpp; // null when absent
    private final Path workRoot;
    private final Path standardFilter;
    private final Path noForkFilter;
    private final List<String> rootBinds;
    private final ConcurrentHashMap<Limits, ConcurrentLinkedDeque<Started>> spares = new ConcurrentHashMap<>();
    private final AtomicInteger spareCount = new AtomicInteger();
    private volatile int maxSpares;
    private volatile boolean closed;

    private Sandbox(
            Path bwrap,
            Path prlimit,
            Path setpriv,
            Path shell,
            Path python,
            Path pythonPrefix,
            Path gpp,
            Path workRoot) {
        this.bwrap = bwrap;
        this.prlimit = prlimit;
        this.setpriv = setpriv;
        this.shell = shell;
        this.python = python;
        this.gpp = gpp;
        this.workRoot = workRoot;
        this.rootBinds = rootBinds(pythonPrefix);
        this.standardFilter = writeFilter(workRoot, SeccompFilter.Kind.STANDARD);
        this.noForkFilter = writeFilter(workRoot, SeccompFilter.Kind.NO_FORK);
    }

    /**
     * Finds bubblewrap, prlimit and python3; throws {@link SandboxUnavailableException} with the fix when one is
     * missing.
     */
    public static Sandbox detect() {
        SeccompFilter.forHost();
        Path bwrap = which("bwrap")
                .orElseThrow(() -> new SandboxUnavailableException(
                        "bubblewrap (bwrap) is not installed; the code sandbox needs it: apt-get install bubblewrap"));
        Path prlimit = which("prlimit")
                .orElseThrow(() -> new SandboxUnavailableException(
                        "prlimit is not installed; it comes with util-linux: apt-get install util-linux"));
        Path shell = which("sh").orElseThrow(() -> new SandboxUnavailableException("no /bin/sh on this machine"));
        boolean root = effectiveUid() == 0;
        Path setpriv = root
                ? which("setpriv")
                        .orElseThrow(
                                () -> new SandboxUnavailableException(
                                        "setpriv is not installed (util-linux); needed to drop root before bwrap: apt-get install util-linux"))
                : null;
        Path python;
        Path prefix = null;
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            python = Path.of("/usr/bin/python3");
        } else {
            // e.g. pyenv: the python3 on PATH is a shim script; ask it for the real interpreter and its prefix.
            String[] exe = probePython();
            python = Path.of(exe[0]);
            prefix = Path.of(exe[1]);
        }
        Path gpp = which("g++").filter(p -> p.startsWith("/usr")).orElse(null);
        Path work;
        try {
            work = Files.createTempDirectory("r1-sandbox-");
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
            work.toFile().deleteOnExit(); // emptied by close(); runs delete their own directories
        } catch (IOException e) {
            throw new SandboxUnavailableException("cannot create the sandbox work directory: " + e.getMessage());
        }
        return new Sandbox(bwrap, prlimit, setpriv, shell, python, prefix, gpp, work);
    }

    /** Whether C++ (g++) is available. */
    public boolean supports(Language lang) {
        return lang == Language.PYTHON || gpp != null;
    }

    /** The python interpreter the sandbox runs (for the benchmark's bare baseline). */
    public Path python() {
        return python;
    }

    /** Runs {@code source} with {@code stdin} under {@code limits}. Never throws for what the program does. */
    public RunResult run(Language lang, String source, String stdin, Limits limits) {
        if (!supports(lang)) {
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, 0, false, lang.label() + " is not installed here");
        }
        return lang == Language.PYTHON ? runPython(source, stdin, limits) : runCpp(source, stdin, limits);
    }

    /**
     * Runs a function-call test (HumanEval's {@code check(candidate)}): {@code source} in one sandbox, {@code setup}
     * and {@code testCode} in another, {@code check} passed a proxy for {@code entryPoint}. OK only when the test's
     * side saw {@code check} return; see {@link FunctionCallRun}.
     */
    public RunResult runFunctionCall(String source, String setup, String testCode, String entryPoint, Limits limits) {
        return new FunctionCallRun(this, limits).run(source, setup, testCode, entryPoint);
    }

    /**
     * Keeps up to {@code n} Python sandboxes started ahead of demand, per set of limits: namespace creation is
     * most of a trivial run's cost, so it is paid off the critical path. A spare is a fully isolated sandbox
     * whose interpreter has started and blocks on one line of stdin (its mode) before it sets the rlimits and
     * runs; the source is written into its (host-side) directory just before that line is sent. Each spare serves
     * one run (a function-call test takes two). Spares are killed by {@link #close()}, and die on their own when
     * this JVM goes (their stdin reaches EOF). 0 turns this off.
     */
    public Sandbox prestart(int n) {
        this.maxSpares = Math.max(0, n);
        return this;
    }

    /** Kills the started spares. */
    public void close() {
        closed = true;
        for (var q : spares.values()) {
            for (Started s; (s = q.poll()) != null; ) s.discard();
        }
    }

    /** A started Python sandbox waiting for its go line, and its host-side source directory. */
    record Started(Process process, Path dir) {
        void discard() {
            kill(process);
            deleteTree(dir);
        }
    }

    /** The processes of the spares waiting for a run, with everything under them (for tests that look for survivors). */
    java.util.Set<Long> waitingSparePids() {
        java.util.Set<Long> pids = new java.util.HashSet<>();
        for (var q : spares.values()) {
            for (Started s : q) {
                pids.add(s.process().pid());
                try (Stream<ProcessHandle> d = s.process().descendants()) {
                    d.forEach(h -> pids.add(h.pid()));
                }
            }
        }
        return pids;
    }

    /** A Python sandbox for one run: a spare when one is ready, else one started now. */
    Started startPython(Limits limits) throws IOException {
        if (maxSpares > 0) {
            Started s = takeSpare(limits);
            refillLater(limits);
            if (s != null) return s;
        }
        return newPython(limits);
    }

    private Started newPython(Limits limits) throws IOException {
        Path dir = newRunDir();
        try {
            List<String> program = List.of(
                    python.toString(),
                    "-I",
                    "-B",
                    "-c",
                    PYTHON_BOOT,
                    Integer.toString(limits.cpuSeconds()),
                    Integer.toString(limits.cpuSeconds()),
                    Long.toString(limits.addressSpaceBytes()),
                    Integer.toString(limits.processes()),
                    Long.toString(limits.fileBytes()),
                    Integer.toString(limits.openFiles()));
            return new Started(start(command(dir, false, limits, standardFilter, program)), dir);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private Started takeSpare(Limits limits) {
        var q = spares.get(limits);
        if (q == null) return null;
        for (Started s; (s = q.poll()) != null; ) {
            spareCount.decrementAndGet();
            if (s.process().isAlive()) return s;
            deleteTree(s.dir());
        }
        return null;
    }

    /** Starts spares in the background until {@code maxSpares} are ready or starting (not just one per run). */
    private void refillLater(Limits limits) {
        while (!closed) {
            int n = spareCount.get();
            if (n >= maxSpares) return;
            if (spareCount.compareAndSet(n, n + 1)) startSpare(limits);
        }
    }

    private void startSpare(Limits limits) {
        Thread.ofVirtual().start(() -> {
            try {
                spares.computeIfAbsent(limits, k -> new ConcurrentLinkedDeque<>())
                        .add(newPython(limits));
                if (closed) close();
            } catch (IOException | RuntimeException e) {
                spareCount.decrementAndGet();
            }
        });
    }

    private RunResult runPython(String source, String stdin, Limits limits) {
        long t0 = System.nanoTime();
        Started s = null;
        try {
            s = startPython(limits);
            writeSource(s.dir(), "main.py", source);
            // the boot reads exactly one line (byte by byte); the rest is the program's stdin
            Raw raw = execute(
                    s.process(),
                    "go run\n" + (stdin == null ? "" : stdin),
                    limits.wallMillis(),
                    limits.outputBytes(),
                    t0);
            return pythonResult(raw, limits);
        } catch (IOException e) {
            if (s != null) kill(s.process());
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, ms(t0), false, "sandbox I/O: " + e.getMessage());
        } finally {
            if (s != null) deleteTree(s.dir());
        }
    }

    /** Compiles in one sandbox (the compiler's limits), then runs the binary in a fresh one (the program's). */
    private RunResult runCpp(String source, String stdin, Limits limits) {
        long t0 = System.nanoTime();
        Path dir = null;
        try {
            dir = newRunDir();
            writeSource(dir, "main.cpp", source);
            Files.setPosixFilePermissions(
                    dir, PosixFilePermissions.fromString("rwxrwxrwx")); // the compiler writes a.out
            List<String> cc = List.of(gpp.toString(), "-O2", "-std=gnu++17", "-o", "/src/a.out", "/src/main.cpp");
            List<String> limitedCc = new ArrayList<>(prlimited(COMPILE));
            limitedCc.addAll(cc);
            Raw compile = execute(
                    start(command(dir, true, COMPILE, standardFilter, limitedCc)),
                    "",
                    COMPILE.wallMillis(),
                    COMPILE.outputBytes(),
                    t0);
            if (!compile.finished()) {
                return new RunResult(
                        RunStatus.ERROR,
                        -1,
                        0,
                        "",
                        compile.stderr(),
                        -1,
                        ms(t0),
                        false,
                        "compile timed out after " + COMPILE.wallMillis() + " ms");
            }
            Path binary = dir.resolve("a.out");
            if (compile.exitValue() != 0 || !Files.isRegularFile(binary, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return new RunResult(
                        RunStatus.ERROR, -1, 0, "", cap(compile.stderr(), 4000), -1, ms(t0), false, "compile error");
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            long runStart = System.nanoTime();
            List<String> program = new ArrayList<>(prlimited(limits));
            program.add("/src/a.out");
            Raw run = execute(
                    start(command(dir, false, limits, noForkFilter, program)),
                    stdin,
                    limits.wallMillis(),
                    limits.outputBytes(),
                    runStart);
            return classify(run, limits, -1, run.stderr());
        } catch (IOException e) {
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, ms(t0), false, "sandbox I/O: " + e.getMessage());
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /** prlimit sets the limits on itself and execs the program (so the program stays the sandbox's PID 1). */
    private List<String> prlimited(Limits l) {
        return List.of(
                prlimit.toString(),
                "--cpu=" + l.cpuSeconds(),
                "--as=" + l.addressSpaceBytes(),
                "--nproc=" + l.processes(),
                "--fsize=" + l.fileBytes(),
                "--nofile=" + l.openFiles(),
                "--core=0",
                "--");
    }

    /**
     * The whole command line: a shell that opens the seccomp filter on fd 3 (bwrap reads it from there) and
     * execs, as root, {@code setpriv} down to uid 65534, which execs bwrap; then the program.
     */
    private List<String> command(Path dir, boolean writableSrc, Limits l, Path filter, List<String> program) {
        List<String> c = new ArrayList<>(List.of(shell.toString(), "-c", "exec \"$@\" 3<" + filter, "sh"));
        if (setpriv != null) {
            c.addAll(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        long storage = l.storageBytes();
        c.addAll(List.of(
                bwrap.toString(),
                "--seccomp",
                "3",
                "--unshare-all",
                "--die-with-parent",
                "--new-session",
                "--as-pid-1",
                "--clearenv",
                "--uid",
                "65534",
                "--gid",
                "65534",
                "--hostname",
                "sandbox",
                "--cap-drop",
                "ALL"));
        c.addAll(rootBinds);
        c.addAll(List.of(
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--size",
                Long.toString(storage / 4),
                "--tmpfs",
                "/dev/shm",
                "--remount-ro",
                "/dev",
                "--size",
                Long.toString(storage / 4),
                "--tmpfs",
                "/tmp",
                "--size",
                Long.toString(storage / 2),
                "--tmpfs",
                "/work",
                writableSrc ? "--bind" : "--ro-bind",
                dir.toString(),
                "/src",
                "--remount-ro",
                "/",
                "--chdir",
                "/work",
                "--setenv",
                "PATH",
                "/usr/bin:/bin",
                "--setenv",
                "HOME",
                "/work",
                "--setenv",
                "LANG",
                "C.UTF-8"));
        c.addAll(program);
        return c;
    }

    /** Starts a command with an empty environment: bubblewrap and the tools before it need none of the JVM's. */
    private static Process start(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        return pb.start();
    }

    /**
     * The read-only root every run gets: {@code /usr}, the top-level {@code /bin}, {@code /lib*} links (or
     * read-only binds where they are real directories), {@code /etc/ld.so.cache} and the interpreter's prefix
     * when it lives outside {@code /usr}. Worked out once: it is the same for every run.
     */
    private static List<String> rootBinds(Path pythonPrefix) {
        List<String> c = new ArrayList<>(List.of("--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    c.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (IOException e) {
                    // unreadable link: leave it out, the binaries under /usr still work
                }
            } else if (Files.isDirectory(p)) {
                c.addAll(List.of("--ro-bind", top, top));
            }
        }
        if (Files.exists(Path.of("/etc/ld.so.cache")))
            c.addAll(List.of("--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"));
        if (pythonPrefix != null) c.addAll(List.of("--ro-bind", pythonPrefix.toString(), pythonPrefix.toString()));
        return List.copyOf(c);
    }

    private static Path writeFilter(Path workRoot, SeccompFilter.Kind kind) {
        try {
            Path f = workRoot.resolve("seccomp-" + kind.name().toLowerCase(java.util.Locale.ROOT) + ".bpf");
            Files.write(f, SeccompFilter.program(kind));
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new SandboxUnavailableException("cannot write the seccomp filter: " + e.getMessage());
        }
    }

    private Path newRunDir() throws IOException {
        Path dir = Files.createTempDirectory(workRoot, "run-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    static void writeSource(Path dir, String name, String source) throws IOException {
        Path src = dir.resolve(name);
        Files.writeString(src, source, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /**
     * What a sandbox process did, as seen from outside.
     *
     * @param finished whether it exited within the wall limit (else it was killed)
     * @param exitValue bwrap's exit status: the program's (128 + signal when killed); -1 when not finished
     * @param overflow whether stdout or stderr went past the cap (the sandbox was killed)
     */
    record Raw(boolean finished, int exitValue, String stdout, String stderr, boolean overflow, long wallMillis) {}

    /** Feeds stdin, drains both outputs under the cap, enforces the wall limit. */
    static Raw execute(Process p, String stdin, long wallMillis, int outputBytes, long t0) {
        AtomicBoolean overflow = new AtomicBoolean();
        // stderr carries the boot's report too: allow it a little slack beyond the program's cap.
        Capture out = new Capture(p.getInputStream(), outputBytes, overflow, p);
        Capture err = new Capture(p.getErrorStream(), outputBytes + 8192, overflow, p);
        PIPES.execute(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the program closed stdin or exited early: not an error of the sandbox
            }
        });
        boolean finished;
        try {
            finished = p.waitFor(wallMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) kill(p);
        awaitExit(p);
        boolean killedForOutput = overflow.get();
        return new Raw(
                finished && !killedForOutput,
                finished && !killedForOutput ? p.exitValue() : -1,
                out.text(outputBytes),
                err.text(Integer.MAX_VALUE),
                killedForOutput,
                ms(t0));
    }

    static void awaitExit(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Python: the boot's CPU-time report (the last one) is cut from stderr; the status is bwrap's. */
    private static RunResult pythonResult(Raw raw, Limits l) {
        long cpu = -1;
        int at = -1;
        Matcher c = CPU_MS.matcher(raw.stderr());
        while (c.find()) {
            at = c.start();
            cpu = Long.parseLong(c.group(1));
        }
        return classify(raw, l, cpu, at >= 0 ? raw.stderr().substring(0, at) : raw.stderr());
    }

    /**
     * The status of a run from what bubblewrap reported. The program is the sandbox's PID 1, which nothing
     * inside the sandbox can signal: a SIGKILL that did not come from here is the kernel's, at the CPU limit
     * (soft and hard limits are equal). An exit status the program chose (say 137) only ever makes a run fail.
     *
     * @param cpuMillis the program's CPU time when known, else -1
     * @param programErr the program's stderr, reports removed
     */
    static RunResult classify(Raw raw, Limits l, long cpuMillis, String programErr) {
        if (programErr.endsWith("\n")) programErr = programErr.substring(0, programErr.length() - 1);
        programErr = cap(programErr, l.outputBytes());
        String stdout = raw.stdout();
        long wallMs = raw.wallMillis();
        if (raw.overflow()) {
            return new RunResult(
                    RunStatus.OUTPUT_LIMIT,
                    -1,
                    9,
                    stdout,
                    programErr,
                    -1,
                    wallMs,
                    true,
                    "output over " + l.outputBytes() + " bytes; sandbox killed, the rest discarded");
        }
        if (!raw.finished()) {
            if (looksLikeOutOfMemory(programErr)) {
                // it ran out of memory and then could not even exit in time (e.g. a failing interpreter shutdown)
                return new RunResult(
                        RunStatus.MEMORY,
                        -1,
                        9,
                        stdout,
                        programErr,
                        -1,
                        wallMs,
                        false,
                        "memory limit of " + (l.memoryBytes() >> 20) + " MiB reached; killed at the wall-clock limit");
            }
            return new RunResult(
                    RunStatus.TIMEOUT,
                    -1,
                    9,
                    stdout,
                    programErr,
                    -1,
                    wallMs,
                    false,
                    "wall-clock limit of " + l.wallMillis() + " ms passed; sandbox killed");
        }
        int rc = raw.exitValue();
        if (rc == 1 && cpuMillis < 0 && BWRAP_ERROR.matcher(raw.stderr()).find() && stdout.isEmpty()) {
            return new RunResult(
                    RunStatus.ERROR,
                    rc,
                    0,
                    "",
                    cap(raw.stderr(), l.outputBytes()),
                    -1,
                    wallMs,
                    false,
                    "sandbox failed to start (bwrap exit 1)");
        }
        int signal = rc > 128 ? rc - 128 : 0;
        long cpu = cpuMillis < 0 && (signal == 9 || signal == 24) ? l.cpuSeconds() * 1000L : cpuMillis;
        RunStatus status;
        String detail;
        if (rc == 0) {
            status = RunStatus.OK;
            detail = "exit 0";
        } else if (signal == 9 || signal == 24) {
            status = RunStatus.TIMEOUT;
            detail = "CPU-time limit of " + l.cpuSeconds() + " s reached (signal " + signal + ")";
        } else if (looksLikeOutOfMemory(programErr)) {
            status = RunStatus.MEMORY;
            detail = "memory limit of " + (l.memoryBytes() >> 20) + " MiB reached";
        } else if (signal == 25) {
            status = RunStatus.CRASH;
            detail = "file-size limit of " + l.fileBytes() + " bytes reached (SIGXFSZ)";
        } else {
            status = RunStatus.CRASH;
            detail = signal > 0 ? "killed by signal " + signal : "exit " + rc;
        }
        return new RunResult(status, rc, signal, stdout, programErr, cpu, wallMs, false, detail);
    }

    static boolean looksLikeOutOfMemory(String stderr) {
        return stderr.contains("MemoryError")
                || stderr.contains("std::bad_alloc")
                || stderr.contains("Cannot allocate memory")
                || stderr.contains("out of memory")
                || stderr.contains("No space left on device");
    }

    /** SIGKILL bwrap and everything under it (the PID namespace dies with its init). */
    static void kill(Process p) {
        try (Stream<ProcessHandle> d = p.descendants()) {
            d.sorted(Comparator.comparingLong(ProcessHandle::pid)).forEach(ProcessHandle::destroyForcibly);
        }
        p.destroyForcibly();
    }

    private static String resource(String name) {
        try (InputStream in = Sandbox.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String cap(String s, int bytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= bytes ? s : new String(b, 0, bytes, StandardCharsets.UTF_8);
    }

    private static Optional<Path> which(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/sbin:/sbin";
        for (String d : path.split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The JVM's uid, from the owner of /proc/self (user.name can be anything). */
    private static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    private static String[] probePython() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys;print(sys.executable);print(sys.base_prefix)")
                    .redirectErrorStream(true)
                    .start();
            String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .strip()
                    .split("\n");
            if (p.waitFor() != 0 || lines.length < 2) throw new IOException("python3 -c failed");
            return new String[] {
                Path.of(lines[0]).toRealPath().toString(),
                Path.of(lines[1]).toRealPath().toString()
            };
        } catch (IOException e) {
            throw new SandboxUnavailableException("python3 not found: install python3 (apt-get install python3)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailableException("interrupted while probing python3");
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: the directory lives under the sandbox's private temp root
        }
    }

    /** Reads a stream fully, keeping at most {@code cap} bytes; past the cap it flags overflow and kills. */
    static final class Capture {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final java.util.concurrent.Future<?> reader;

        Capture(InputStream in, int cap, AtomicBoolean overflow, Process p) {
            reader = PIPES.submit(() -> {
                byte[] b = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(b)) >= 0) {
                        int keep;
                        synchronized (this) {
                            keep = Math.min(n, cap - buf.size());
                            if (keep > 0) buf.write(b, 0, keep);
                        }
                        if (keep < n) {
                            overflow.set(true);
                            kill(p);
                            return;
                        }
                    }
                } catch (IOException e) {
                    // stream closed by the kill
                }
            });
        }

        String text(int cap) {
            try {
                reader.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // keep what was read
            }
            byte[] b;
            synchronized (this) {
                b = buf.toByteArray();
            }
            return new String(b, 0, Math.min(b.length, cap), StandardCharsets.UTF_8);
        }
    }
}
