# The trusted start of every Python run, passed to `python3 -I -B -c` inside the sandbox (it is not a file there).
# It replaces a shell and prlimit in front of the interpreter: in-process, so no extra programs start per run.
#
# argv: cpu_soft cpu_hard address_space processes file_size open_files wait_for_go
#   1. wait_for_go 1 (a pre-started spare): block until one line arrives on stdin, read byte by byte so none of
#      the program's input is consumed; EOF instead means the spare is discarded: exit quietly.
#   2. Set the run's rlimits on this process (inherited by anything the program starts).
#   3. Run /src/main.py as __main__ the way `python3 /src/main.py` would: its own module in sys.modules,
#      __file__, sys.argv, a traceback of the program's own frames, exit status 1 on an uncaught exception.
#   4. On the way out, report the CPU time on stderr for the host. The exit status is what bubblewrap exits
#      with (the program's, 128 + signal when killed), not a report from here, so it cannot be forged.
import atexit, os, resource, sys, types

cpu_soft, cpu_hard, address_space, processes, file_size, open_files, wait_for_go = map(int, sys.argv[1:8])
if wait_for_go:
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(0, 1)
        if not byte:
            os._exit(0)
        line += byte

for limit, soft, hard in ((resource.RLIMIT_CPU, cpu_soft, cpu_hard), (resource.RLIMIT_AS, address_space, address_space),
                          (resource.RLIMIT_NPROC, processes, processes), (resource.RLIMIT_FSIZE, file_size, file_size),
                          (resource.RLIMIT_NOFILE, open_files, open_files), (resource.RLIMIT_CORE, 0, 0)):
    resource.setrlimit(limit, (soft, hard))


def report_cpu(getrusage=resource.getrusage, write=os.write, own=resource.RUSAGE_SELF, children=resource.RUSAGE_CHILDREN):
    used = sum(u.ru_utime + u.ru_stime for u in (getrusage(own), getrusage(children)))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    write(2, b"\n@@r1-sandbox@@ cpu_ms=%d\n" % round(used * 1000))


atexit.register(report_cpu)
sys.argv[:] = ["/src/main.py"]
main = types.ModuleType("__main__")
main.__file__ = "/src/main.py"
main.__builtins__ = __builtins__
sys.modules["__main__"] = main
try:
    with open("/src/main.py", "rb") as source:
        code = compile(source.read(), "/src/main.py", "exec", dont_inherit=True)
    exec(code, main.__dict__)
except SystemExit:
    raise
except BaseException as e:
    import traceback
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != "/src/main.py":
        tb = tb.tb_next
    traceback.print_exception(type(e), e, tb)
    raise SystemExit(1) from None
