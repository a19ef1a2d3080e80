package dev.r1serve.reward.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adversarial programs against the bubblewrap sandbox: each must be contained, leave nothing running, and
 * leave the sandbox fast for the next normal run.
 */
class SandboxTest {

    static Sandbox sandbox;
    /** Tight limits so the suite stays fast. */
    static final Limits LIMITS = new Limits(2_000, 1, 256L << 20, 16, 1 << 20, 32, 64 * 1024);

    @BeforeAll
    static void detect() {
        try {
            // pre-started spares, as the pool runs them: the attacks must be contained on that path too
            sandbox = Sandbox.detect().prestart(2);
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "sandbox tests skipped: " + e.getMessage());
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void close() {
        if (sandbox != null) sandbox.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static RunResult py(String code) {
        return sandbox.run(Language.PYTHON, code, "", LIMITS);
    }

    /** After every attack: nothing from a sandbox still runs, and a normal run passes at normal speed. */
    @AfterEach
    void stillHealthy() {
        // Pre-started spares are interpreters waiting for a run, not survivors; one may be starting right now,
        // not yet among the waiting ones, so the check is repeated for a while: a survivor stays.
        boolean clean = false;
        for (int i = 0; i < 40 && !clean; i++) {
            java.util.Set<Long> spares = sandbox.waitingSparePids();
            // ours: below this JVM, or orphans adopted by the host's init (other test JVMs' sandboxes are neither)
            java.util.Set<Long> ours = new java.util.HashSet<>();
            try (var d = ProcessHandle.current().descendants()) {
                d.forEach(h -> ours.add(h.pid()));
            }
            clean = ProcessHandle.allProcesses()
                    .noneMatch(p -> !spares.contains(p.pid())
                            && (ours.contains(p.pid())
                                    || p.parent().map(h -> h.pid() == 1).orElse(false))
                            && (p.info().command().orElse("").contains("python")
                                            && p.info().commandLine().orElse("").contains("/src/main.py")
                                    || p.info().command().orElse("").endsWith("/src/a.out")));
            if (!clean) sleep(50);
        }
        assertTrue(clean, "a sandboxed process survived its run");
        RunResult r = py("print(sum(range(10)))");
        assertEquals(RunStatus.OK, r.status(), r.toString());
        assertEquals("45\n", r.stdout());
        assertTrue(r.wallMillis() < 1_500, "normal run took " + r.wallMillis() + " ms");
    }

    @Test
    void normalRunWithStdin() {
        RunResult r =
                sandbox.run(Language.PYTHON, "import sys\nprint(sys.stdin.read().upper(), end='')", "abc\n", LIMITS);
        assertEquals(RunStatus.OK, r.status(), r.toString());
        assertEquals("ABC\n", r.stdout());
        assertEquals(0, r.exitCode());
        assertTrue(r.cpuMillis() >= 0);
    }

    @Test
    void runsAsNobodyWithAnEmptyEnvironment() {
        RunResult r =
                py("import os\nprint(os.getuid(), os.getgid(), sorted(k for k in os.environ if k not in ('PWD',)))");
        assertEquals("65534 65534 ['HOME', 'LANG', 'PATH']\n", r.stdout(), r.toString());
    }

    @Test
    void crashReportsExitCode() {
        RunResult r = py("import sys\nsys.stderr.write('bad')\nsys.exit(3)");
        assertEquals(RunStatus.CRASH, r.status());
        assertEquals(3, r.exitCode());
        assertEquals("bad", r.stderr());
    }

    @Test
    void forkBomb() {
        long t0 = System.nanoTime();
        RunResult r = py("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n");
        assertTrue(r.status() == RunStatus.TIMEOUT || r.status() == RunStatus.CRASH, r.toString());
        assertTrue((System.nanoTime() - t0) / 1e6 < LIMITS.wallMillis() + 2_000);
    }

    @Test
    void processLimitStopsForks() {
        RunResult r = py(
                "import os, time\nn = 0\ntry:\n    for i in range(100):\n        if os.fork() == 0:\n"
                        + "            time.sleep(1); os._exit(0)\n        n += 1\nexcept OSError as e:\n    print('stopped at', n)\n");
        assertTrue(r.stdout().startsWith("stopped at"), r.toString());
    }

    @Test
    void memoryBomb() {
        assertEquals(RunStatus.MEMORY, py("x = bytearray(2 * 1024**3)").status());
        RunResult r = py("a = []\nwhile True:\n    a.append(bytearray(64 * 1024**2))\n");
        assertEquals(RunStatus.MEMORY, r.status(), r.toString());
    }

    @Test
    void infiniteLoopHitsTheCpuLimit() {
        RunResult r = py("while True:\n    pass\n");
        assertEquals(RunStatus.TIMEOUT, r.status(), r.toString());
    }

    @Test
    void sleepPastTheWallLimit() {
        long t0 = System.nanoTime();
        RunResult r = py("import time\ntime.sleep(60)\n");
        assertEquals(RunStatus.TIMEOUT, r.status(), r.toString());
        assertTrue((System.nanoTime() - t0) / 1e6 < LIMITS.wallMillis() + 1_500);
    }

    @Test
    void noNetwork() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RunResult r = py("import socket\nfor addr in [('127.0.0.1', " + host.getLocalPort()
                    + "), ('1.1.1.1', 80), ('8.8.8.8', 53)]:\n"
                    + "    try:\n        socket.create_connection(addr, timeout=1)\n        print('CONNECTED', addr)\n"
                    + "    except OSError as e:\n        print('blocked')\n");
            assertEquals("blocked\nblocked\nblocked\n", r.stdout(), r.toString());
        }
    }

    @Test
    void noHostFiles() {
        RunResult r = py("import os\nfor p in ['/etc/shadow', '/etc/passwd', '/root', '/work/wt-reward', '/home', '"
                + Path.of("").toAbsolutePath() + "/pom.xml', '/proc/1/root/etc/shadow']:\n"
                + "    print(p, os.path.exists(p))\n");
        assertFalse(r.stdout().contains("True"), r.stdout());
        assertEquals(RunStatus.OK, r.status(), r.toString());
    }

    @Test
    void cannotWriteOutsideTheWorkDir() throws Exception {
        String marker = "r1-escape-" + UUID.randomUUID();
        RunResult r = py("import os\nok = open('/work/f', 'w').write('x')\nprint('work ok')\n"
                + "for p in ['/usr/" + marker + "', '/src/main.py', '/" + marker + "', '/tmp/../usr/" + marker + "']:\n"
                + "    try:\n        open(p, 'w').write('x')\n        print('WROTE', p)\n"
                + "    except OSError as e:\n        print('denied')\n");
        assertEquals("work ok\ndenied\ndenied\ndenied\ndenied\n", r.stdout(), r.toString());
        assertFalse(Files.exists(Path.of("/usr/" + marker)));
        assertFalse(Files.exists(Path.of("/" + marker)));
    }

    @Test
    void symlinkEscapes() {
        RunResult r = py(
                "import os\nos.symlink('/etc/shadow', '/work/a')\nos.symlink('/proc/1/root/../../../etc/shadow', '/work/b')\n"
                        + "os.symlink('/../../../../etc/shadow', '/work/c')\n"
                        + "for p in ['/work/a', '/work/b', '/work/c', '/proc/self/root/etc/shadow']:\n"
                        + "    try:\n        print(open(p).read()[:10])\n    except OSError:\n        print('none')\n");
        assertEquals("none\nnone\nnone\nnone\n", r.stdout(), r.toString());
    }

    @Test
    void hugeOutputIsCappedAndFlagged() {
        long t0 = System.nanoTime();
        RunResult r = py("while True:\n    print('x' * 1000)\n");
        assertEquals(RunStatus.OUTPUT_LIMIT, r.status(), r.toString());
        assertTrue(r.outputTruncated());
        assertEquals(LIMITS.outputBytes(), r.stdout().length());
        assertTrue((System.nanoTime() - t0) / 1e6 < 1_500);
    }

    @Test
    void daemonDoesNotOutliveTheRun() throws Exception {
        String marker = "r1daemon" + UUID.randomUUID().toString().replace("-", "");
        RunResult r = py(
                "import subprocess\nsubprocess.Popen(['/usr/bin/python3', '-c', 'import os, time\\nif os.fork() == 0:\\n"
                        + "    os.setsid()\\n    time.sleep(30)', '" + marker
                        + "'], start_new_session=True)\nprint('spawned')\n");
        assertEquals(RunStatus.OK, r.status(), r.toString());
        Thread.sleep(200);
        assertTrue(
                ProcessHandle.allProcesses()
                        .noneMatch(p -> p.info().commandLine().orElse("").contains(marker)),
                "the daemon survived");
    }

    @Test
    void killingTheParentIsContained() {
        // The program is the sandbox's PID 1 (bwrap --as-pid-1): it has no parent inside, and signals sent to
        // PID 1 from inside are ignored, so it cannot bring its own supervisor down; the run ends at its wall limit.
        RunResult r = py("import os, signal, time\nprint(os.getpid(), os.getppid(), flush=True)\n"
                + "os.kill(1, signal.SIGKILL)\nprint('alive', flush=True)\ntime.sleep(30)\n");
        assertEquals("1 0\nalive\n", r.stdout(), r.toString());
        assertEquals(RunStatus.TIMEOUT, r.status(), r.toString());
        assumeTrue(sandbox.supports(Language.CPP), "g++ not installed");
        RunResult cpp = sandbox.run(
                Language.CPP,
                "#include <signal.h>\n#include <unistd.h>\n#include <cstdio>\n"
                        + "int main(){ kill(getppid(), SIGKILL); kill(1, SIGKILL); std::puts(\"alive\"); std::fflush(stdout); sleep(30); }",
                "",
                LIMITS);
        assertEquals(RunStatus.TIMEOUT, cpp.status(), cpp.toString());
        assertEquals("alive\n", cpp.stdout(), cpp.toString());
    }

    @Test
    void writableStorageIsCappedAndCountedAgainstMemory() {
        // /work, /tmp and /dev/shm together hold a quarter of the memory budget (64 MiB of 256): tmpfs pages are
        // memory the address-space limit does not see, so they are capped instead of left to grow on the host.
        RunResult r = py("import os\nfor d in ('/work', '/tmp', '/dev/shm'):\n    n = 0\n    try:\n"
                + "        with open(d + '/fill', 'wb', buffering=0) as f:\n            for i in range(4096):\n"
                + "                try:\n                    f.write(b'x' * 65536); n += 1\n"
                + "                except OSError as e:\n                    if e.errno == 27:\n"
                + "                        f.close(); f = open(d + '/fill%d' % i, 'wb', buffering=0); continue\n"
                + "                    raise\n    except OSError as e:\n        pass\n    print(d, n * 64 // 1024)\n");
        assertEquals(RunStatus.OK, r.status(), r.toString());
        long total = 0;
        for (String line : r.stdout().strip().split("\n")) total += Long.parseLong(line.split(" ")[1]);
        assertTrue(total <= 64, "wrote " + total + " MiB: " + r.stdout());
        assertTrue(r.stdout().contains("/dev/shm"), r.toString());
        RunResult dev = py("open('/dev/new-file', 'w').write('x')\n");
        assertEquals(RunStatus.CRASH, dev.status(), dev.toString());
        assertTrue(dev.stderr().contains("Read-only file system"), dev.toString());
    }

    @Test
    void theSandboxHoldsNoOtherProcessAndNoHostEnvironment() {
        // bwrap starts with an empty environment and installs no init of its own: /proc/1 is the program itself
        RunResult r = py("import os\nprint(sorted(p for p in os.listdir('/proc') if p.isdigit()))\n"
                + "print(sorted(open('/proc/1/environ').read().strip('\\0').split('\\0')))\n");
        assertEquals(
                "['1']\n['HOME=/work', 'LANG=C.UTF-8', 'PATH=/usr/bin:/bin', 'PWD=/work']\n", r.stdout(), r.toString());
    }

    @Test
    void theJudgeOfAFunctionCallTestIsClosedToItsCandidate() {
        // the candidate reports what of PID 1 (the judge, which holds the test) it can open or signal
        // at import, the first moment the candidate's code runs, and again when called
        String probe = "import os, signal\nearly = []\nfor p in ('/proc/1/mem', '/proc/1/fd/0', '/proc/1/fd/1'):\n"
                + "    try:\n        early.append(open(p, 'rb')); early.append(p)\n    except OSError:\n        pass\n"
                + "def probe():\n    opened = [p for p in early if isinstance(p, str)]\n"
                + "    for p in ('/proc/1/mem', '/proc/1/fd/0', '/proc/1/fd/1', '/proc/1/environ', '/proc/1/maps', '/src/test.py'):\n"
                + "        try:\n            open(p, 'rb').read(1); opened.append(p)\n        except OSError:\n            pass\n"
                + "    os.kill(1, signal.SIGINT)\n    os.kill(1, signal.SIGTERM)\n    return opened\n";
        RunResult r = sandbox.runFunctionCall(
                probe,
                "",
                "def check(candidate):\n    import time\n    got = candidate()\n"
                        + "    time.sleep(0.2)\n    assert got == [], got\n",
                "probe",
                LIMITS);
        assertEquals(RunStatus.OK, r.status(), r.toString());
    }

    @Test
    void seccompDeniesKernelInterfacesThatEscapeTheLimits() {
        // x86_64 numbers: ptrace, process_vm_readv, mount, keyctl, bpf, perf_event_open, userfaultfd, memfd_create,
        // shmget, msgget, io_uring_setup, unshare, setns
        RunResult r = py("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                + "for nr in (101, 310, 165, 250, 321, 298, 323, 319, 29, 68, 425, 272, 308):\n"
                + "    rc = libc.syscall(nr, 0, 0, 0, 0, 0)\n    print(nr, rc, ctypes.get_errno())\n");
        assertEquals(RunStatus.OK, r.status(), r.toString());
        for (String line : r.stdout().strip().split("\n")) {
            assertTrue(line.endsWith(" -1 1"), "not denied with EPERM: " + line + "\n" + r.stdout());
        }
        RunResult ptrace = py("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                + "print(libc.ptrace(16, 1, 0, 0), ctypes.get_errno())\n"); // PTRACE_ATTACH to PID 1
        assertEquals("-1 1\n", ptrace.stdout(), ptrace.toString());
    }

    @Test
    void compiledProgramsCannotForkSoTheCpuLimitCoversTheRun() {
        assumeTrue(sandbox.supports(Language.CPP), "g++ not installed");
        // a chain of children, each under the per-process CPU limit, would otherwise spread the work past it
        RunResult r = sandbox.run(
                Language.CPP,
                "#include <unistd.h>\n#include <cstdio>\n#include <thread>\n"
                        + "int main(){ pid_t p = fork(); std::printf(\"fork=%d\\n\", (int) p);"
                        + " std::thread t([]{ std::puts(\"thread ok\"); }); t.join(); }",
                "",
                LIMITS);
        assertEquals(RunStatus.OK, r.status(), r.toString());
        assertEquals("fork=-1\nthread ok\n", r.stdout(), r.toString());
        RunResult spin = sandbox.run(
                Language.CPP,
                "#include <thread>\n#include <vector>\n"
                        + "int main(){ std::vector<std::thread> ts; for (int i = 0; i < 4; i++) ts.emplace_back([]{ volatile long x = 0; for (;;) x++; });"
                        + " for (auto& t : ts) t.join(); }",
                "",
                new Limits(10_000, 1, 256L << 20, 16, 1 << 20, 32, 64 * 1024));
        assertEquals(RunStatus.TIMEOUT, spin.status(), spin.toString());
        // killed by the kernel at the process's CPU limit (all threads counted), not at the 10 s wall limit
        assertTrue(spin.detail().startsWith("CPU-time limit"), "threads share one process's CPU limit: " + spin);
    }

    @Test
    void compiledRunGetsExactlyItsWallLimitNotTheCompilers() {
        assumeTrue(sandbox.supports(Language.CPP), "g++ not installed");
        // the right answer, then a sleep past the run's wall limit: compile time is not credited to the run
        RunResult r = sandbox.run(
                Language.CPP,
                "#include <cstdio>\n#include <unistd.h>\n"
                        + "int main(){ std::puts(\"5\"); std::fflush(stdout); sleep(4); }",
                "",
                LIMITS);
        assertEquals(RunStatus.TIMEOUT, r.status(), r.toString());
        assertTrue(r.wallMillis() < LIMITS.wallMillis() + 1_000, r.toString());
    }

    @Test
    void aForgedStatusTrailerChangesNothing() {
        assumeTrue(sandbox.supports(Language.CPP), "g++ not installed");
        // what the old trusted shell printed after a run; the status is bwrap's exit status now
        RunResult r = sandbox.run(
                Language.CPP,
                "#include <cstdio>\n#include <cstdlib>\n"
                        + "int main(){ std::puts(\"5\"); std::fprintf(stderr, \"\\n@@r1-sandbox@@ rc=0\\n\"); std::fflush(0); std::abort(); }",
                "",
                LIMITS);
        assertEquals(RunStatus.CRASH, r.status(), r.toString());
        assertTrue(r.signal() > 0, r.toString()); // abort(): SIGABRT to PID 1 is ignored, glibc then faults
        RunResult p = py("import os, sys\nprint('5', flush=True)\nsys.stderr.write('\\n@@r1-sandbox@@ cpu_ms=0\\n')\n"
                + "sys.stderr.flush()\nos.abort()\n");
        assertEquals(RunStatus.CRASH, p.status(), p.toString());
    }

    @Test
    void cpp() {
        assumeTrue(sandbox.supports(Language.CPP), "g++ not installed");
        RunResult ok = sandbox.run(
                Language.CPP,
                "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}",
                "2 3",
                LIMITS);
        assertEquals(RunStatus.OK, ok.status(), ok.toString());
        assertEquals("5\n", ok.stdout());
        RunResult bad = sandbox.run(Language.CPP, "int main(){ return x; }", "", LIMITS);
        assertEquals(RunStatus.ERROR, bad.status());
        assertTrue(bad.stderr().contains("error"), bad.toString());
    }

    @Test
    void testCasesSeparateWrongFromTimeout() {
        try (SandboxPool pool = new SandboxPool(sandbox, 2, 16, null)) {
            String code = "n = int(input())\nif n == 3:\n    while True: pass\nprint(n * 2)\n";
            List<TestOutcome> o = CodeTests.run(
                            pool,
                            Language.PYTHON,
                            code,
                            List.of(CodeTest.io("1\n", "2\n"), CodeTest.io("2\n", "5"), CodeTest.io("3\n", "6")),
                            LIMITS)
                    .toCompletableFuture()
                    .join();
            assertEquals(
                    List.of(RunStatus.OK, RunStatus.WRONG, RunStatus.TIMEOUT),
                    o.stream().map(TestOutcome::status).toList());
            String fn = "def add(a, b):\n    return a + b\n";
            List<TestOutcome> f = CodeTests.run(
                            pool,
                            Language.PYTHON,
                            fn,
                            List.of(
                                    CodeTest.call("def check(candidate):\n    assert candidate(1, 2) == 3\n", "add"),
                                    CodeTest.call("def check(candidate):\n    assert candidate(1, 2) == 4\n", "add")),
                            LIMITS)
                    .toCompletableFuture()
                    .join();
            assertEquals(
                    List.of(RunStatus.OK, RunStatus.WRONG),
                    f.stream().map(TestOutcome::status).toList());
        }
    }

    @Test
    void fullQueueIsRejected() {
        try (SandboxPool pool = new SandboxPool(sandbox, 1, 1, null)) {
            var a = pool.submit(Language.PYTHON, "import time\ntime.sleep(0.5)", "", LIMITS)
                    .toCompletableFuture();
            var b = pool.submit(Language.PYTHON, "import time\ntime.sleep(0.5)", "", LIMITS)
                    .toCompletableFuture();
            var c = pool.submit(Language.PYTHON, "pass", "", LIMITS).toCompletableFuture();
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, c::join);
            assertTrue(e.getCause() instanceof SandboxBusyException, e.toString());
            assertEquals(RunStatus.OK, a.join().status());
            assertEquals(RunStatus.OK, b.join().status());
        }
    }
}
