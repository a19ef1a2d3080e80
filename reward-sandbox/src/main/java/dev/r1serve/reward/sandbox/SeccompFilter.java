package dev.r1serve.reward.sandbox;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;

/**
 * The seccomp program every sandboxed process runs under, as classic BPF for {@code bwrap --seccomp FD}
 * (bubblewrap loads it with {@code PR_SET_NO_NEW_PRIVS} into the sandbox's first process before it execs, so
 * everything the untrusted code starts inherits it).
 *
 * <p>A deny list on top of the namespaces, rlimits and capped filesystems: the calls that would let a program
 * look into or steer other processes ({@code ptrace}, {@code process_vm_readv/writev}, {@code kcmp},
 * {@code pidfd_getfd}), change the mount table or namespaces ({@code mount}, {@code umount2}, {@code pivot_root},
 * the new mount API, {@code unshare}, {@code setns}), reach kernel subsystems with a history of exploits and no
 * use in a test program ({@code bpf}, {@code perf_event_open}, {@code userfaultfd}, {@code keyctl},
 * {@code add_key}, {@code request_key}, {@code io_uring_*}, which would also bypass this filter), hold memory that
 * neither the address-space limit nor a capped tmpfs counts ({@code memfd_create}, {@code memfd_secret}, System V
 * {@code shmget} and {@code msgget}), or act on the machine ({@code reboot}, {@code kexec_*}, modules, swap,
 * clocks, {@code syslog}, {@code acct}, {@code quotactl}, file handles). They fail with {@code EPERM}. Any
 * call through the x32 ABI fails too, and a process of another architecture is killed.
 *
 * <p>{@link Kind#NO_FORK} also refuses new processes ({@code fork}, {@code vfork}, {@code clone} without
 * {@code CLONE_THREAD}; {@code clone3}, whose flags a filter cannot read, answers {@code ENOSYS} so the C library
 * falls back to {@code clone}). Compiled programs run under it: RLIMIT_CPU counts all threads of one process,
 * so with no second process the CPU limit covers everything the run does.
 *
 * <p>Built for x86_64, the architecture this project's images and CI run on; {@link #forHost()} refuses others
 * rather than run untrusted code without the filter.
 */
public final class SeccompFilter {

    /** What the filter allows beyond the common deny list. */
    public enum Kind {
        /** Processes may fork (interpreters, the compiler). */
        STANDARD,
        /** Threads only: no second process. */
        NO_FORK
    }

    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int X32_SYSCALL_BIT = 0x40000000;
    private static final int CLONE_THREAD = 0x00010000;
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    private static final int RET_ALLOW = 0x7FFF0000;
    private static final int RET_ERRNO = 0x00050000;
    private static final int RET_KILL_PROCESS = 0x80000000;

    // classic BPF opcodes
    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int JGE_K = 0x35;
    private static final int JSET_K = 0x45;
    private static final int RET_K = 0x06;

    // offsets in struct seccomp_data
    private static final int NR = 0;
    private static final int ARCH = 4;
    private static final int ARG0_LOW = 16;

    /** x86_64 numbers of the denied calls (arch/x86/entry/syscalls/syscall_64.tbl). */
    static final List<Syscall> DENIED = List.of(
            new Syscall("shmget", 29),
            new Syscall("msgget", 68),
            new Syscall("ptrace", 101),
            new Syscall("syslog", 103),
            new Syscall("uselib", 134),
            new Syscall("vhangup", 153),
            new Syscall("pivot_root", 155),
            new Syscall("adjtimex", 159),
            new Syscall("acct", 163),
            new Syscall("settimeofday", 164),
            new Syscall("mount", 165),
            new Syscall("umount2", 166),
            new Syscall("swapon", 167),
            new Syscall("swapoff", 168),
            new Syscall("reboot", 169),
            new Syscall("iopl", 172),
            new Syscall("ioperm", 173),
            new Syscall("init_module", 175),
            new Syscall("delete_module", 176),
            new Syscall("quotactl", 179),
            new Syscall("lookup_dcookie", 212),
            new Syscall("clock_settime", 227),
            new Syscall("kexec_load", 246),
            new Syscall("add_key", 248),
            new Syscall("request_key", 249),
            new Syscall("keyctl", 250),
            new Syscall("unshare", 272),
            new Syscall("perf_event_open", 298),
            new Syscall("fanotify_init", 300),
            new Syscall("name_to_handle_at", 303),
            new Syscall("open_by_handle_at", 304),
            new Syscall("clock_adjtime", 305),
            new Syscall("setns", 308),
            new Syscall("process_vm_readv", 310),
            new Syscall("process_vm_writev", 311),
            new Syscall("kcmp", 312),
            new Syscall("finit_module", 313),
            new Syscall("memfd_create", 319),
            new Syscall("kexec_file_load", 320),
            new Syscall("bpf", 321),
            new Syscall("userfaultfd", 323),
            new Syscall("io_uring_setup", 425),
            new Syscall("io_uring_enter", 426),
            new Syscall("io_uring_register", 427),
            new Syscall("open_tree", 428),
            new Syscall("move_mount", 429),
            new Syscall("fsopen", 430),
            new Syscall("fsconfig", 431),
            new Syscall("fsmount", 432),
            new Syscall("fspick", 433),
            new Syscall("pidfd_getfd", 438),
            new Syscall("process_madvise", 440),
            new Syscall("mount_setattr", 442),
            new Syscall("memfd_secret", 447));

    private static final int CLONE = 56, FORK = 57, VFORK = 58, CLONE3 = 435;

    /** A system call by name and x86_64 number. */
    record Syscall(String name, int nr) {}

    private SeccompFilter() {}

    /** Whether this JVM runs on the architecture the filter is built for. */
    public static boolean supportedHere() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /** The program as the bytes of an array of {@code struct sock_filter}, in this machine's byte order. */
    public static byte[] program(Kind kind) {
        Bpf b = new Bpf();
        b.op(LD_W_ABS, 0, 0, ARCH);
        b.op(JEQ_K, 1, 0, AUDIT_ARCH_X86_64);
        b.op(RET_K, 0, 0, RET_KILL_PROCESS);
        b.op(LD_W_ABS, 0, 0, NR);
        b.op(JGE_K, 0, 1, X32_SYSCALL_BIT);
        b.op(RET_K, 0, 0, RET_ERRNO | EPERM);
        for (Syscall s : DENIED) b.deny(s.nr(), EPERM);
        if (kind == Kind.NO_FORK) {
            b.deny(FORK, EPERM);
            b.deny(VFORK, EPERM);
            b.deny(CLONE3, ENOSYS);
            // clone: allowed only for threads (flags are its first argument)
            b.op(JEQ_K, 0, 3, CLONE);
            b.op(LD_W_ABS, 0, 0, ARG0_LOW);
            b.op(JSET_K, 1, 0, CLONE_THREAD);
            b.op(RET_K, 0, 0, RET_ERRNO | EPERM);
        }
        b.op(RET_K, 0, 0, RET_ALLOW);
        return b.bytes();
    }

    /** Throws {@link SandboxUnavailableException} where the filter cannot be built. */
    static void forHost() {
        if (!supportedHere()) {
            throw new SandboxUnavailableException("the sandbox's seccomp filter is built for x86_64 only, and this is "
                    + System.getProperty("os.arch") + ": untrusted code is not run without it");
        }
    }

    /** struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, little-endian (x86_64). */
    private static final class Bpf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void op(int code, int jt, int jf, int k) {
            out.write(code & 0xFF);
            out.write((code >>> 8) & 0xFF);
            out.write(jt);
            out.write(jf);
            for (int i = 0; i < 4; i++) out.write((k >>> (8 * i)) & 0xFF);
        }

        /** if (nr == n) return ERRNO(errno); the syscall number stays loaded. */
        void deny(int nr, int errno) {
            op(JEQ_K, 0, 1, nr);
            op(RET_K, 0, 0, RET_ERRNO | errno);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
