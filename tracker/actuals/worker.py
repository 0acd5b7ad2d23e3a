"""Reading an upload in a subprocess with a memory and a time budget, so that one bad file fails one upload and
never the server: a reader that runs out of memory, crashes (calamine aborts the process when an allocation fails)
or hangs ends its own process only, and the upload gets a clear message instead.

The subprocess comes from a fork server that has already imported the readers, so starting one costs
milliseconds; it gets RLIMIT_AS = limits.WORKER_MEMORY_BYTES, and the caller waits limits.WORKER_SECONDS for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.spawn
import resource
import signal
import threading

from tracker.actuals import limits
from tracker.actuals.errors import UnreadableFile

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["tracker.actuals.upload"])
_START_LOCK = threading.Lock()       # Streamlit serves each session from its own thread


@dataclasses.dataclass(frozen=True)
class Budget:
    memory_bytes: int = limits.WORKER_MEMORY_BYTES
    seconds: float = limits.WORKER_SECONDS


def start_reader() -> None:
    """Start the fork server now (it imports pandas and the readers, seconds on a busy machine) rather than at the
    first upload; quick when it runs already."""
    with _START_LOCK, _without_main_module():
        multiprocessing.forkserver.ensure_running()


def read_isolated(file_name: str, data: bytes, ref, *, sheet: str | None = None, budget: Budget = Budget()):
    """tracker.actuals.upload.read_file in a subprocess; returns its ReadResult (with .peak_rss_bytes of the
    subprocess) or raises UnreadableFile — also when the subprocess runs out of memory, crashes or takes too long."""
    ref = dataclasses.replace(ref, current=ref.current.iloc[0:0])    # reading needs the names, not the values
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    with _START_LOCK, _without_main_module():
        process = _CONTEXT.Process(target=_work, args=(sender, file_name, data, ref, sheet, budget.memory_bytes),
                                   daemon=True)
        process.start()
    sender.close()
    try:
        if not receiver.poll(budget.seconds):
            raise UnreadableFile("reader_timeout", seconds=f"{budget.seconds:g}")
        try:
            kind, payload = receiver.recv()
        except EOFError:
            process.join(5)
            raise _crash(process.exitcode, budget) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if kind == "unreadable":
        raise UnreadableFile.encoded(*payload)
    return payload


@contextlib.contextmanager
def _without_main_module():
    """Start the subprocess without re-running the main module in it. multiprocessing re-imports __main__ in every
    child so that its functions can be unpickled, but under Streamlit __main__ is the page being run: the child would
    run the page again. _work lives in this module, so the child needs nothing from __main__."""
    original = multiprocessing.spawn.get_preparation_data

    def preparation(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    multiprocessing.spawn.get_preparation_data = preparation
    try:
        yield
    finally:
        multiprocessing.spawn.get_preparation_data = original


def _crash(exitcode: int | None, budget: Budget) -> UnreadableFile:
    """A reader that died without a word: calamine aborts (SIGABRT) when an allocation fails under the limit."""
    if exitcode is not None and exitcode < 0 and -exitcode in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV):
        return UnreadableFile("reader_out_of_memory", limit=_gb(budget.memory_bytes))
    return UnreadableFile("reader_crashed", status=exitcode)


def _gb(size: int) -> str:
    return f"{size / 2**30:g} GB"


def _work(sender, file_name: str, data: bytes, ref, sheet: str | None, memory_bytes: int) -> None:
    """The subprocess: limit the address space, read, send back the result or the refusal."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from tracker.actuals.upload import read_file

    try:
        result = read_file(file_name, data, ref, sheet=sheet)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        sender.send(("ok", dataclasses.replace(result, peak_rss_bytes=peak)))
    except UnreadableFile as exc:
        sender.send(("unreadable", (exc.code, exc.params)))
    except MemoryError:
        sender.send(("unreadable", ("reader_out_of_memory", f"limit={_gb(memory_bytes)}")))
    except Exception as exc:   # a reader bug: the upload gets a message without server paths, the log the trace
        sender.send(("unreadable", ("reader_failed", f"detail={type(exc).__name__}")))
        raise
    finally:
        sender.close()
