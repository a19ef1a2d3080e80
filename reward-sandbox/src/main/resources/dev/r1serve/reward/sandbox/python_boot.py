# The trusted start of every Python run, passed to `python3 -I -B -c` inside the sandbox (it is not a file there).
# It replaces a shell and prlimit in front of the interpreter: in-process, so no extra programs start per run.
#
# argv: cpu_soft cpu_hard address_space processes file_size open_files
#   1. Block until one line arrives on stdin, read byte by byte so none of the program's input is consumed:
#      `go MODE [ENTRY]`. EOF instead means a pre-started spare is discarded: exit quietly.
#   2. Set the run's rlimits on this process (inherited by anything the program starts).
#   3. By MODE:
#      run   run /src/main.py as __main__ the way `python3 /src/main.py` would: its own module in sys.modules,
#            __file__, sys.argv, a traceback of the program's own frames, exit status 1 on an uncaught exception.
#            On the way out, report the CPU time on stderr for the host.
#      test  a function-call test (`go test ENTRY MAX_ANSWER_BYTES`, then the test's source as a byte count line
#            and the bytes). This process forks the candidate first, before it has read the test: the child
#            keeps nothing but two pipes to this process (stdin /dev/null, stdout to stderr), sets the rlimits,
#            loads /src/main.py as __main__ and answers calls of ENTRY, one JSON line each, with plain data only
#            (see encode). This process, the judge, then makes itself non-dumpable (so the candidate can neither
#            read nor write its memory through /proc/1/mem, nor reach its file descriptors), ignores every signal
#            the candidate could send it (it is PID 1: what it ignores cannot reach it), reads the test source
#            from stdin and runs check(candidate) with a proxy whose calls go to the child. Its verdict goes to
#            the original stdout, which the candidate never holds; only `pass`, after check returned, counts.
#   4. The exit status is what bubblewrap exits with (this process is the sandbox's PID 1), not a report from
#      here, so it cannot be forged.
import atexit, json, os, resource, sys, types

cpu_soft, cpu_hard, address_space, processes, file_size, open_files = map(int, sys.argv[1:7])
line = b""
while not line.endswith(b"\n"):
    byte = os.read(0, 1)
    if not byte:
        os._exit(0)
    line += byte
go = line.decode("ascii", "replace").split()
mode = go[1] if len(go) > 1 else "run"
entry = go[2] if len(go) > 2 else ""



def apply_limits():
    for limit, soft, hard in ((resource.RLIMIT_CPU, cpu_soft, cpu_hard), (resource.RLIMIT_AS, address_space, address_space),
                              (resource.RLIMIT_NPROC, processes, processes), (resource.RLIMIT_FSIZE, file_size, file_size),
                              (resource.RLIMIT_NOFILE, open_files, open_files), (resource.RLIMIT_CORE, 0, 0)):
        resource.setrlimit(limit, (soft, hard))


if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)  # the program's own big integers print as they would without the sandbox


# ---- plain data across the sandbox boundary -------------------------------------------------------------------
# Only these exact types cross (no subclasses: an int or list subclass could carry an always-true __eq__):
# None, bool, int, float, str, bytes, list, tuple, dict, set, frozenset, range; generators and iterators are
# read to the end into a list and arrive as an iterator over it. Anything else is refused.
class NotPlainData(Exception):
    pass


MAX_DEPTH = 100


def encode(x, depth=0):
    if depth > MAX_DEPTH:
        raise NotPlainData("value nested deeper than %d levels" % MAX_DEPTH)
    t = type(x)
    if x is None or t is bool or t is str:
        return x
    if t is int:
        return {"i": hex(x)}
    if t is float:
        return {"f": x.hex()}
    if t is list:
        return [encode(v, depth + 1) for v in x]
    if t is tuple:
        return {"t": [encode(v, depth + 1) for v in x]}
    if t is dict:
        return {"d": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in x.items()]}
    if t is set or t is frozenset:
        return {"s" if t is set else "fs": [encode(v, depth + 1) for v in x]}
    if t is bytes:
        return {"b": x.hex()}
    if t is range:
        return {"r": [encode(x.start), encode(x.stop), encode(x.step)]}
    if t in ITERATORS:
        return {"it": [encode(v, depth + 1) for v in x]}
    raise NotPlainData("a value of type %s is not plain data" % t.__name__)


ITERATORS = {type(v) for v in (iter(()), iter([]), iter(""), iter({}), iter(range(0)), (i for i in ()),
                               map(abs, ()), filter(None, ()), zip(), reversed([]), enumerate(()))}


def decode_tag(o):
    if len(o) != 1:
        raise NotPlainData("malformed value")
    (k, v), = o.items()
    if k == "i":
        return int(v, 16)
    if k == "f":
        return float.fromhex(v)
    if k == "t":
        return tuple(v)
    if k == "d":
        return {key: value for key, value in v}
    if k == "s":
        return set(v)
    if k == "fs":
        return frozenset(v)
    if k == "b":
        return bytes.fromhex(v)
    if k == "r":
        return range(*v)
    if k == "it":
        return iter(v)
    raise NotPlainData("unknown tag %r" % k)


def decode(text):
    return json.loads(text, object_hook=decode_tag)


def read_line(f, cap):
    """One line, at most cap bytes; None at EOF or past the cap."""
    line = f.readline(cap + 1)
    if not line.endswith(b"\n"):
        return None
    return line


def send(f, message):
    f.write(json.dumps(message, separators=(",", ":")).encode("utf-8", "surrogatepass") + b"\n")
    f.flush()


def load_main():
    sys.argv[:] = ["/src/main.py"]
    main = types.ModuleType("__main__")
    main.__file__ = "/src/main.py"
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    with open("/src/main.py", "rb") as source:
        code = compile(source.read(), "/src/main.py", "exec", dont_inherit=True)
    exec(code, main.__dict__)
    return main


def print_program_traceback(e):
    import traceback
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != "/src/main.py":
        tb = tb.tb_next
    traceback.print_exception(type(e), e, tb)


def run():
    def report_cpu(getrusage=resource.getrusage, write=os.write, own=resource.RUSAGE_SELF, children=resource.RUSAGE_CHILDREN):
        used = sum(u.ru_utime + u.ru_stime for u in (getrusage(own), getrusage(children)))
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        write(2, b"\n@@r1-sandbox@@ cpu_ms=%d\n" % round(used * 1000))

    atexit.register(report_cpu)
    apply_limits()
    try:
        load_main()
    except SystemExit:
        raise
    except BaseException as e:
        print_program_traceback(e)
        raise SystemExit(1) from None


def serve(proto_in, proto_out):
    try:
        main = load_main()
    except BaseException as e:  # SystemExit too: a program that leaves while loading has no function to call
        print_program_traceback(e)
        send(proto_out, ["load_error", type(e).__name__])
        os._exit(1)
    handles = []
    while True:
        request = proto_in.readline()
        if not request:
            os._exit(0)
        try:
            target, attr, args, kwargs = decode(request)
            if target is None:
                if entry not in main.__dict__:
                    raise NameError("name %r is not defined" % entry)
                fn = main.__dict__[entry]
            else:
                fn = getattr(handles[target], attr)
            result = fn(*args, **kwargs)
            if target is None and isinstance(fn, type) and type(result) is fn:
                handles.append(result)  # an instance of the candidate's class (LiveCodeBench's Solution()) stays here
                answer = ["h", len(handles) - 1]
            else:
                answer = ["ok", encode(result)]
        except NotPlainData as e:
            answer = ["bad", str(e)]
        except BaseException as e:
            try:
                answer = ["e", type(e).__name__, str(e)[:2000]]
            except BaseException:
                answer = ["e", "Exception", "unprintable exception"]
        send(proto_out, answer)


def judge(proto_in, proto_out, verdict_out, candidate_pid, max_answer):
    import builtins

    class CandidateError(Exception):
        """An exception the candidate raised that is not one of Python's built-in exceptions."""

    class CandidateBroke(BaseException):
        """The candidate process ended or broke the protocol: nothing the test code may catch and carry on from."""

        def __init__(self, kind, message):
            super().__init__(message)
            self.kind = kind

    class TestBroke(BaseException):
        """The test itself cannot run this way (an argument that cannot cross to the candidate)."""

    def remote(target, attr, args, kwargs):
        try:
            request = [target, attr, encode(list(args)), encode(dict(kwargs))]
        except NotPlainData as e:
            raise TestBroke("the test passes the candidate an argument that is not plain data: %s" % e)
        try:
            send(proto_out, request)
        except OSError:
            raise CandidateBroke("ended", "the candidate's process ended")
        try:
            line = read_line(proto_in, max_answer)
        except OSError:
            line = None
        if line is None:
            raise CandidateBroke("ended", "the candidate's process ended or sent an answer over %d bytes" % max_answer)
        try:
            answer = decode(line)
        except (ValueError, TypeError, NotPlainData, RecursionError) as e:
            raise CandidateBroke("malformed", "the candidate sent a malformed answer: %s" % e)
        kind = answer[0] if type(answer) is list and answer and type(answer[0]) is str else None
        if kind == "ok" and len(answer) == 2:
            return answer[1]
        if kind == "h" and len(answer) == 2 and type(answer[1]) is int:
            return RemoteObject(answer[1])
        if kind == "e" and len(answer) == 3 and type(answer[1]) is str and type(answer[2]) is str:
            cls = getattr(builtins, answer[1], None)
            if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, AssertionError):
                raise cls(answer[2])
            # an AssertionError raised by the candidate is not the test's own assertion failing, but still no pass
            raise CandidateError("%s: %s" % (answer[1], answer[2]))
        if kind == "bad" and len(answer) == 2:
            raise CandidateBroke("not_plain", "the candidate returned a value that is not plain data: %s" % (answer[1],))
        if kind == "load_error" and len(answer) == 2:
            raise CandidateBroke("load_error", "the candidate's code failed to load: %s" % (answer[1],))
        raise CandidateBroke("malformed", "the candidate sent a malformed answer")

    class RemoteObject:
        def __init__(self, handle):
            self._handle = handle

        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return lambda *args, **kwargs: remote(self._handle, name, args, kwargs)

    class Candidate:
        """Stands for the function under test; every call runs in the candidate's sandbox."""
        __name__ = entry
        __qualname__ = entry

        def __call__(self, *args, **kwargs):
            return remote(None, None, args, kwargs)

    def verdict(v, reason=""):
        message = {"verdict": v, "reason": reason[:4000]}
        if v == "ended":  # how it ended (the CPU limit's SIGKILL is a timeout), if it did within half a second
            import time
            for _ in range(50):
                done, status = os.waitpid(candidate_pid, os.WNOHANG)
                if done:
                    message["candidate_exit"] = os.waitstatus_to_exitcode(status)
                    break
                time.sleep(0.01)
        send(verdict_out, message)
        os._exit(0)

    header = read_line(sys.stdin.buffer, 32)
    source = sys.stdin.buffer.read(int(header))
    namespace = {"__name__": "__r1_test__", "__builtins__": __builtins__}
    try:
        exec(compile(source, "/src/test.py", "exec", dont_inherit=True), namespace)
    except BaseException as e:
        verdict("error", "the test code failed to load: %s: %s" % (type(e).__name__, e))
    check = namespace.get("check")
    if not callable(check):
        verdict("error", "the test code defines no check(candidate)")
    candidate = Candidate()
    if entry.isidentifier():
        namespace[entry] = candidate  # tests that call the function by its name (HumanEval/33) reach the candidate too
    try:
        check(candidate)
    except AssertionError as e:
        verdict("fail", "AssertionError: %s" % (e,))
    except TestBroke as e:
        verdict("error", str(e))
    except CandidateBroke as e:
        verdict(e.kind, str(e))
    except BaseException as e:
        verdict("crash", "%s: %s" % (type(e).__name__, e))
    verdict("pass")


JUDGE_IGNORES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF",
                 "SIGPIPE", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGWINCH", "SIGURG", "SIGIO", "SIGTRAP", "SIGXFSZ")


def test():
    import ctypes, signal
    # Both before the fork, so there is no moment in which the candidate's code runs while the judge is still
    # open to it: an fd to /proc/1/mem or /proc/1/fd/0 opened then would stay usable.
    if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE 0
        os.write(1, b'{"verdict":"error","reason":"cannot make the test harness non-dumpable"}\n')
        os._exit(0)
    ignored = [getattr(signal, name) for name in JUDGE_IGNORES if hasattr(signal, name)]
    defaults = {s: signal.getsignal(s) for s in ignored}
    for s in ignored:
        signal.signal(s, signal.SIG_IGN)
    to_candidate_r, to_candidate_w = os.pipe()
    from_candidate_r, from_candidate_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        for s, handler in defaults.items():
            signal.signal(s, handler)  # the candidate keeps Python's usual signal handling
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)  # the test's source waits on the judge's stdin: not for the candidate
        os.dup2(2, 1)  # the verdict's pipe is closed here: only the judge holds it
        for fd in map(int, os.listdir("/proc/self/fd")):
            if fd > 2 and fd not in (to_candidate_r, from_candidate_w):
                try:
                    os.close(fd)
                except OSError:
                    pass
        apply_limits()
        serve(os.fdopen(to_candidate_r, "rb"), os.fdopen(from_candidate_w, "wb"))
        os._exit(0)
    os.close(to_candidate_r)
    os.close(from_candidate_w)
    # nothing the candidate can write is importable here: no cwd, /work or /tmp on the module path
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and not p.startswith(("/work", "/tmp", "/src", "/dev"))]
    os.chdir("/")
    apply_limits()
    verdict_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # the test's own prints go to stderr, not into the verdict
    judge(os.fdopen(from_candidate_r, "rb"), os.fdopen(to_candidate_w, "wb"), verdict_out, pid, int(go[3]))


{"run": run, "test": test}.get(mode, run)()
