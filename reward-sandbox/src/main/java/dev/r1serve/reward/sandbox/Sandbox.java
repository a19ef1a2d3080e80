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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs untrusted code in a bubblewrap sandbox. Thread-safe; every run gets its own namespaces and directories.
 *
 * <p>Isolation of one run:
 * <ul>
 *   <li>{@code bwrap --unshare-all}: new user, PID, network (loopback only, no route out), IPC, UTS, cgroup
 *       and mount namespaces; {@code --die-with-parent} and {@code --new-session} (no terminal injection);</li>
 *   <li>a root of read-only binds: {@code /usr} and the {@code /bin}, {@code /lib*} links (or read-only binds
 *       where they are real directories), the interpreter's prefix if it lives outside {@code /usr}, and
 *       {@code /etc/ld.so.cache}; no {@code /etc} otherwise, no home, no repository;</li>
 *   <li>the source read-only at {@code /src}, a private size-capped tmpfs at {@code /work} (the working
 *       directory) and {@code /tmp}; {@code --clearenv} with only PATH, HOME, LANG set;</li>
 *   <li>uid/gid 65534 inside. When the JVM runs as root, bwrap itself is started as host uid 65534
 *       ({@code setpriv}): root's processes are exempt from RLIMIT_NPROC, and a host root mapped into the
 *       namespace would be a needless privilege;</li>
 *   <li>rlimits (CPU, address space, processes, file size, open files, no core dumps) set before the program
 *       runs: by the Python interpreter itself, which starts as the sandbox's first program and then runs the
 *       untrusted code in-process ({@code python_boot.py}: no shell or prlimit to start per run; the CPU limit
 *       counts the interpreter's start-up, about 30 ms); for C++ by a
 *       trusted shell with {@code prlimit} around the binary only. Wall time and output size are enforced here;
 *       on either, the sandbox's processes are SIGKILLed, and since the program lives in its own PID namespace
 *       whose init dies with bwrap, no descendant (daemons, double forks) survives.</li>
 * </ul>
 */
public final class Sandbox {

    /** Marker a trusted shell prints after the program; the last occurrence wins, so a program cannot forge it. */
    private static final String MARK = "@@r1-sandbox@@";
    private static final Pattern CPU_MS = Pattern.compile("\n" + MARK + " cpu_ms=(\\d+)\n");
    /** How bubblewrap reports that it could not set a sandbox up (it then exits 1). */
    private static final Pattern BWRAP_ERROR = Pattern.compile("(?m)^bwrap: ");
    /** The trusted start of a Python run (see the file): rlimits, the program, the CPU-time report. */
    private static final String PYTHON_BOOT = resource("python_boot.py");
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s");
    private static final long WORK_TMPFS_BYTES = 64L << 20;
    /** Extra wall time for compiling C++ inside the sandbox. */
    private static final long COMPILE_MILLIS = 30_000;

    /**
     * Threads that feed stdin and drain stdout/stderr of runs. Platform threads, reused: a pipe read blocks its
     * carrier, so virtual threads would make the scheduler start compensating carriers on every run.
     */
    private static final java.util.concurrent.ExecutorService PIPES = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-pipe");
        t.setDaemon(true);
        return t;
    });

    private final Path bwrap;
    private final Path prlimit;
    private final Path setpriv; // null when not root
    private final Path python;
    private final Path gpp; // null when absent
    private final Path workRoot;
    private final List<String> rootBinds;
    private final ConcurrentHashMap<Limits, ConcurrentLinkedDeque<Warm>> spares = new ConcurrentHashMap<>();
    private final AtomicInteger spareCount = new AtomicInteger();
    private volatile int maxSpares;
    private volatile boolean closed;

    private Sandbox(Path bwrap, Path prlimit, Path setpriv, Path python, Path pythonPrefix, Path gpp, Path workRoot) {
        this.bwrap = bwrap;
        this.prlimit = prlimit;
        this.setpriv = setpriv;
        this.python = python;
        this.gpp = gpp;
        this.workRoot = workRoot;
        this.rootBinds = rootBinds(pythonPrefix);
    }

    /**
     * Finds bubblewrap, prlimit and python3; throws {@link SandboxUnavailableException} with the fix when one is
     * missing.
     */
    public static Sandbox detect() {
        Path bwrap = which("bwrap").orElseThrow(() -> new SandboxUnavailableException(
                "bubblewrap (bwrap) is not installed; the code sandbox needs it: apt-get install bubblewrap"));
        Path prlimit = which("prlimit").orElseThrow(() -> new SandboxUnavailableException(
                "prlimit is not installed; it comes with util-linux: apt-get install util-linux"));
        boolean root = effectiveUid() == 0;
        Path setpriv = root ? which("setpriv").orElseThrow(() -> new SandboxUnavailableException(
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
            work.toFile().deleteOnExit(); // empty by then: every run deletes its own directory
        } catch (IOException e) {
            throw new SandboxUnavailableException("cannot create the sandbox work directory: " + e.getMessage());
        }
        return new Sandbox(bwrap, prlimit, setpriv, python, prefix, gpp, work);
    }

    /** Whether C++ (g++) is available. */
    public boolean supports(Language lang) {
        return lang == Language.PYTHON || gpp != null;
    }

    /** The python interpreter the sandbox runs (for the benchmark's bare baseline). */
    public Path python() { return python; }

    /** Runs {@code source} with {@code stdin} under {@code limits}. Never throws for what the program does. */
    public RunResult run(Language lang, String source, String stdin, Limits limits) {
        if (!supports(lang)) {
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, 0, false, lang.label() + " is not installed here");
        }
        if (lang == Language.PYTHON && maxSpares > 0) {
            Warm w = takeSpare(limits);
            refillLater(limits);
            if (w != null) return runWarm(w, source, stdin, limits);
        }
        long t0 = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory(workRoot, "run-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path src = dir.resolve(lang == Language.PYTHON ? "main.py" : "main.cpp");
            Files.writeString(src, source, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-r--r--"));
            return execute(new ProcessBuilder(command(lang, dir, limits, false)).start(), stdin, limits, lang, t0);
        } catch (IOException e) {
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, ms(t0), false, "sandbox I/O: " + e.getMessage());
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /**
     * Keeps up to {@code n} Python sandboxes started ahead of demand, per set of limits: namespace creation is
     * most of a trivial run's cost, so it is paid off the critical path. A spare is a fully isolated sandbox
     * whose interpreter has started and blocks on one line of stdin before it sets the rlimits and runs
     * {@code /src/main.py}; the source is written into its (host-side) directory just before that line is sent.
     * Each spare serves one run. Spares are killed by {@link #close()}, and
     * die on their own when this JVM goes (their stdin reaches EOF). 0 turns this off.
     */
    public Sandbox prestart(int n) {
        this.maxSpares = Math.max(0, n);
        return this;
    }

    /** Kills the started spares. */
    public void close() {
        closed = true;
        for (var q : spares.values()) {
            for (Warm w; (w = q.poll()) != null; ) {
                kill(w.process());
                deleteTree(w.dir());
            }
        }
    }

    private record Warm(Process process, Path dir) {}

    /** The processes of the spares waiting for a run, with everything under them (for tests that look for survivors). */
    java.util.Set<Long> waitingSparePids() {
        java.util.Set<Long> pids = new java.util.HashSet<>();
        for (var q : spares.values()) {
            for (Warm w : q) {
                pids.add(w.process().pid());
                try (Stream<ProcessHandle> d = w.process().descendants()) {
                    d.forEach(h -> pids.add(h.pid()));
                }
            }
        }
        return pids;
    }

    private Warm takeSpare(Limits limits) {
        var q = spares.get(limits);
        if (q == null) return null;
        for (Warm w; (w = q.poll()) != null; ) {
            spareCount.decrementAndGet();
            if (w.process().isAlive()) return w;
            deleteTree(w.dir());
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
            Path dir = null;
            try {
                dir = Files.createTempDirectory(workRoot, "run-");
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                Process p = new ProcessBuilder(command(Language.PYTHON, dir, limits, true)).start();
                spares.computeIfAbsent(limits, k -> new ConcurrentLinkedDeque<>()).add(new Warm(p, dir));
                if (closed) close();
            } catch (IOException e) {
                spareCount.decrementAndGet();
                if (dir != null) deleteTree(dir);
            }
        });
    }

    private RunResult runWarm(Warm w, String source, String stdin, Limits limits) {
        long t0 = System.nanoTime();
        try {
            Path src = w.dir().resolve("main.py");
            Files.writeString(src, source, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-r--r--"));
            // the shell reads exactly one line (dash reads pipes byte by byte); the rest is the program's stdin
            return execute(w.process(), "go\n" + (stdin == null ? "" : stdin), limits, Language.PYTHON, t0);
        } catch (IOException e) {
            kill(w.process());
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, ms(t0), false, "sandbox I/O: " + e.getMessage());
        } finally {
            deleteTree(w.dir());
        }
    }

    private List<String> command(Language lang, Path dir, Limits l, boolean waitForGo) {
        List<String> c = new ArrayList<>();
        if (setpriv != null) {
            c.addAll(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        c.addAll(List.of(bwrap.toString(), "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
                "--uid", "65534", "--gid", "65534", "--hostname", "sandbox", "--cap-drop", "ALL"));
        c.addAll(rootBinds);
        c.addAll(List.of("--proc", "/proc", "--dev", "/dev",
                "--size", Long.toString(WORK_TMPFS_BYTES), "--tmpfs", "/tmp",
                "--size", Long.toString(WORK_TMPFS_BYTES), "--tmpfs", "/work",
                "--ro-bind", dir.toString(), "/src", "--remount-ro", "/", "--chdir", "/work",
                "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/work", "--setenv", "LANG", "C.UTF-8"));
        if (lang == Language.PYTHON) {
            // The interpreter starts first and sets the rlimits itself (soft < hard CPU: SIGXCPU at the soft
            // limit tells a CPU timeout apart); bwrap exits with the program's status (128 + signal when killed).
            c.addAll(List.of(python.toString(), "-I", "-B", "-c", PYTHON_BOOT, Integer.toString(l.cpuSeconds()),
                    Integer.toString(l.cpuSeconds() + 1), Long.toString(l.memoryBytes()), Integer.toString(l.processes()),
                    Long.toString(l.fileBytes()), Integer.toString(l.openFiles()), waitForGo ? "1" : "0"));
        } else {
            c.addAll(List.of("/bin/sh", "-c", cppScript(l)));
        }
        return c;
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
        if (Files.exists(Path.of("/etc/ld.so.cache"))) c.addAll(List.of("--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"));
        if (pythonPrefix != null) c.addAll(List.of("--ro-bind", pythonPrefix.toString(), pythonPrefix.toString()));
        return List.copyOf(c);
    }

    /** The trusted shell of a C++ run: compile under its own limits, run under the program's, then a trailer. */
    private String cppScript(Limits l) {
        // soft < hard: SIGXCPU at the soft limit tells a CPU timeout apart (the kernel SIGKILLs at the hard one)
        String run = prlimit + " --cpu=" + l.cpuSeconds() + ":" + (l.cpuSeconds() + 1) + " --as=" + l.memoryBytes() + " --nproc=" + l.processes()
                + " --fsize=" + l.fileBytes() + " --nofile=" + l.openFiles() + " --core=0 -- ";
        String tail = "; rc=$?; printf '\\n" + MARK + " rc=%s\\n' \"$rc\" >&2; times >&2";
        // Compile with its own, larger limits and no stdin; the program's limits apply to the run only.
        String compile = prlimit + " --cpu=30 --as=" + (2L << 30) + " --nproc=64 --fsize=" + (64L << 20)
                + " --nofile=256 --core=0 -- " + gpp + " -O2 -std=gnu++17 -o /work/a.out /src/main.cpp"
                + " </dev/null >/dev/null 2>/work/cc.err";
        return compile + "; if [ ! -x /work/a.out ]; then printf '\\n" + MARK + " compile-error\\n' >&2;"
                + " head -c 4000 /work/cc.err >&2; exit 0; fi; printf '" + MARK + " compiled\\n' >&2; times >&2; "
                + run + "/work/a.out" + tail;
    }

    private RunResult execute(Process p, String stdin, Limits l, Language lang, long t0) {
        boolean compiles = lang == Language.CPP; // C++ runs behind a trusted shell that compiles first
        AtomicBoolean overflow = new AtomicBoolean();
        // stderr carries the trailer too: allow it a little slack beyond the program's cap.
        Capture out = new Capture(p.getInputStream(), l.outputBytes(), overflow, p);
        Capture err = new Capture(p.getErrorStream(), l.outputBytes() + 8192, overflow, p);
        PIPES.execute(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the program closed stdin or exited early: not an error of the sandbox
            }
        });
        long wall = l.wallMillis() + (compiles ? COMPILE_MILLIS : 0);
        boolean finished;
        try {
            finished = p.waitFor(wall, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, ms(t0), false, "interrupted");
        }
        if (!finished) kill(p);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String stdout = out.text(l.outputBytes());
        String stderrRaw = err.text(Integer.MAX_VALUE);
        long wallMs = ms(t0);
        Trailer t = lang == Language.PYTHON ? pythonTrailer(stderrRaw, finished ? p.exitValue() : -1) : shellTrailer(stderrRaw);
        String programErr = t.programErr();
        if (programErr.endsWith("\n")) programErr = programErr.substring(0, programErr.length() - 1);
        programErr = cap(programErr, l.outputBytes());
        boolean truncated = overflow.get();
        if (!finished) {
            if (compiles && !t.compiled() && !truncated) {
                return new RunResult(RunStatus.ERROR, -1, 0, stdout, programErr, -1, wallMs, false, "compile timed out");
            }
            if (looksLikeOutOfMemory(programErr)) {
                // it ran out of memory and then could not even exit in time (e.g. a failing interpreter shutdown)
                return new RunResult(RunStatus.MEMORY, -1, 9, stdout, programErr, -1, wallMs, truncated,
                        "address-space limit of " + (l.memoryBytes() >> 20) + " MiB reached; killed at the wall-clock limit");
            }
            return new RunResult(RunStatus.TIMEOUT, -1, 9, stdout, programErr, -1, wallMs, truncated,
                    "wall-clock limit of " + l.wallMillis() + " ms passed; sandbox killed");
        }
        if (truncated) {
            return new RunResult(RunStatus.OUTPUT_LIMIT, -1, 9, stdout, programErr, -1, wallMs, true,
                    "output over " + l.outputBytes() + " bytes; sandbox killed, the rest discarded");
        }
        if (t.compileError() != null) {
            return new RunResult(RunStatus.ERROR, -1, 0, "", cap(t.compileError(), l.outputBytes()), -1, wallMs, false, "compile error");
        }
        if (t.rc() == null && p.exitValue() > 128 && !stderrRaw.contains("bwrap:")) {
            // the program killed what supervises it inside the sandbox (C++: its shell); everything went down with it
            int sig = p.exitValue() - 128;
            return new RunResult(RunStatus.CRASH, p.exitValue(), sig, stdout, programErr, -1, wallMs, false,
                    "the run's supervisor was killed (signal " + sig + "); sandbox torn down");
        }
        if (t.rc() == null) {
            return new RunResult(RunStatus.ERROR, p.exitValue(), 0, stdout, cap(stderrRaw, l.outputBytes()), -1, wallMs,
                    false, "sandbox failed to start (bwrap exit " + p.exitValue() + ")");
        }
        int rc = t.rc();
        // SIGXCPU comes exactly at the soft limit, so that is the CPU time when no report came
        long cpu = t.cpuMillis() < 0 && rc == 128 + 24 ? l.cpuSeconds() * 1000L : t.cpuMillis();
        int signal = rc > 128 ? rc - 128 : 0;
        RunStatus status;
        String detail;
        if (rc == 0) {
            status = RunStatus.OK;
            detail = "exit 0";
        } else if (signal == 24 || (signal == 9 && (cpu >= l.cpuSeconds() * 1000L - 50
                || (cpu < 0 && wallMs >= l.cpuSeconds() * 1000L)))) { // SIGKILL at the hard CPU limit
            status = RunStatus.TIMEOUT;
            detail = "CPU-time limit of " + l.cpuSeconds() + " s reached (signal " + signal + ")";
        } else if (looksLikeOutOfMemory(programErr)) {
            status = RunStatus.MEMORY;
            detail = "address-space limit of " + (l.memoryBytes() >> 20) + " MiB reached";
        } else if (signal == 25) {
            status = RunStatus.CRASH;
            detail = "file-size limit of " + l.fileBytes() + " bytes reached (SIGXFSZ)";
        } else {
            status = RunStatus.CRASH;
            detail = signal > 0 ? "killed by signal " + signal : "exit " + rc;
        }
        return new RunResult(status, rc, signal, stdout, programErr, cpu, wallMs, false, detail);
    }

    /**
     * What a run's stderr says beyond the program's own output.
     *
     * @param rc the program's exit status (128 + signal when killed); null when the sandbox never reported one
     * @param cpuMillis its CPU time, -1 when unknown (a Python program that left without running exit handlers)
     * @param programErr stderr without the reports
     * @param compiled C++: whether compilation finished
     * @param compileError C++: the compiler's message when compilation failed, else null
     */
    private record Trailer(Integer rc, long cpuMillis, String programErr, boolean compiled, String compileError) {}

    /**
     * Python: the exit status is bwrap's (it passes the program's on); the boot's CPU-time report is the last one
     * (a program cannot forge what follows it). Exit 1 with a bwrap error and no report: the sandbox never started.
     */
    private static Trailer pythonTrailer(String raw, int exitValue) {
        long cpu = -1;
        int at = -1;
        Matcher c = CPU_MS.matcher(raw);
        while (c.find()) {
            at = c.start();
            cpu = Long.parseLong(c.group(1));
        }
        boolean neverStarted = at < 0 && exitValue == 1 && BWRAP_ERROR.matcher(raw).find();
        return new Trailer(neverStarted ? null : exitValue, cpu, at >= 0 ? raw.substring(0, at) : raw, true, null);
    }

    /** C++: the trusted shell's markers and {@code times} output (the last marker wins). */
    private static Trailer shellTrailer(String raw) {
        int markAt = raw.lastIndexOf(MARK + " rc=");
        int compileErrAt = raw.lastIndexOf(MARK + " compile-error");
        int compiledAt = raw.lastIndexOf(MARK + " compiled\n");
        String programErr = markAt >= 0 ? raw.substring(0, markAt) : raw;
        if (compiledAt >= 0 && compiledAt < programErr.length()) {
            // skip the marker line and the two lines of `times` after it
            int from = compiledAt;
            for (int k = 0; k < 3 && from >= 0; k++) from = programErr.indexOf('\n', from) + 1;
            programErr = from > 0 ? programErr.substring(Math.min(from, programErr.length())) : "";
        }
        if (compileErrAt >= 0 && compileErrAt > markAt) {
            return new Trailer(null, -1, programErr, false, raw.substring(compileErrAt + MARK.length() + 15));
        }
        if (markAt < 0) return new Trailer(null, -1, programErr, compiledAt >= 0, null);
        String trailer = raw.substring(markAt + MARK.length() + 4);
        int nl = trailer.indexOf('\n');
        int rc = Integer.parseInt(trailer.substring(0, nl < 0 ? trailer.length() : nl).strip());
        long compileCpu = compiledAt >= 0 ? childCpuMillis(raw.substring(compiledAt)) : 0;
        return new Trailer(rc, Math.max(0, childCpuMillis(trailer) - compileCpu), programErr, compiledAt >= 0, null);
    }

    private static boolean looksLikeOutOfMemory(String stderr) {
        return stderr.contains("MemoryError") || stderr.contains("std::bad_alloc")
                || stderr.contains("Cannot allocate memory") || stderr.contains("out of memory");
    }

    /** Sum of the children's user and system time from the second line of dash's {@code times}. */
    private static long childCpuMillis(String trailer) {
        Matcher m = TIMES.matcher(trailer);
        if (!m.find() || !m.find()) return -1;
        double s = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        return Math.round(s * 1000);
    }

    /** SIGKILL bwrap and everything under it (the PID namespace dies with its init). */
    private static void kill(Process p) {
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

    private static long ms(long t0) { return (System.nanoTime() - t0) / 1_000_000; }

    private static String cap(String s, int bytes) {
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
                    .redirectErrorStream(true).start();
            String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\n");
            if (p.waitFor() != 0 || lines.length < 2) throw new IOException("python3 -c failed");
            return new String[] {Path.of(lines[0]).toRealPath().toString(), Path.of(lines[1]).toRealPath().toString()};
        } catch (IOException e) {
            throw new SandboxUnavailableException("python3 not found: install python3 (apt-get install python3)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailableException("interrupted while probing python3");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: the directory lives under the sandbox's private temp root
        }
    }

    /** Reads a stream fully, keeping at most {@code cap} bytes; past the cap it flags overflow and kills. */
    private static final class Capture {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final java.util.concurrent.Future<?> reader;

        Capture(InputStream in, int cap, AtomicBoolean overflow, Process p) {
            reader = PIPES.submit(() -> {
                byte[] b = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(b)) >= 0) {
                        int keep = Math.min(n, cap - buf.size());
                        if (keep > 0) buf.write(b, 0, keep);
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
