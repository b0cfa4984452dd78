"""Turn exceptions into the plain error dicts the worker shows next to the user's code.

The page only cares about the user's own script, so tracebacks keep just the frames
whose file is the script (or code typed into `eval`); the bridge's frames are noise there.
"""

import os
import re
import sys
import traceback

EVAL_FILENAME = "<eval>"


class ScriptError(Exception):
    """An error to report to the page: raised by the bridge, never by the script itself."""

    def __init__(self, type_, message, traceback_text="", line=None, col=None, phase=None):
        super().__init__(message)
        self.type = type_
        self.message = message
        self.traceback = traceback_text
        self.line = line
        self.col = col
        self.phase = phase
        self.filename = None

    def to_dict(self):
        return {
            "type": self.type,
            "message": self.message,
            "traceback": self.traceback,
            "line": self.line,
            "col": self.col,
            "phase": self.phase,
        }


class ScriptShapeError(ScriptError):
    """The script lacks something a method needs (no training loop, no `gpt`, ...)."""

    def __init__(self, message, phase=None):
        super().__init__("ScriptShapeError", message, "", None, None, phase)


BRIDGE_DIR = os.path.dirname(os.path.abspath(__file__))


def from_exception(exc, filename, phase):
    """Wrap an exception raised while running script code; keep only the user's frames.

    An exception raised by the bridge's own code (its innermost frame is in py/bridge/) is the
    guide's fault, not the script's: it is reported as such, with the bridge's traceback."""
    if isinstance(exc, ScriptError):
        if exc.phase is None:
            exc.phase = phase
        return exc
    if isinstance(exc, SyntaxError):
        return from_syntax_error(exc, phase)
    every = traceback.extract_tb(exc.__traceback__)
    if every and os.path.dirname(os.path.abspath(every[-1].filename)) == BRIDGE_DIR:
        bug = from_bridge_bug(exc)
        bug.message = (f"the guide failed while looking at the script ({type(exc).__name__}: "
                       f"{exc}); this is a bug in the guide, not in the script")
        return bug
    user_files = {filename, EVAL_FILENAME}
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in user_files]
    message = missing_stdlib_message(exc) or offline_message(exc) or str(exc) or _wordless(exc)
    text = "".join(traceback.format_exception_only(type(exc), exc))
    if message != str(exc):
        text += message + "\n"
    if frames:
        stack = "".join(traceback.format_list(frames))
        text = "Traceback (most recent call last):\n" + stack + text
    last = frames[-1] if frames else None
    line = last.lineno if last else None
    # FrameSummary.colno is 0-based; editors (and SyntaxError.offset) count from 1.
    col = last.colno + 1 if last is not None and getattr(last, "colno", None) is not None else None
    error = ScriptError(type(exc).__name__, message, text, line, col, phase)
    if isinstance(exc, OSError) and isinstance(exc.filename, str):
        error.filename = exc.filename  # a data file the script looked for (api.py)
    return error


def missing_stdlib_message(exc):
    """Why `import tkinter` fails in the page, or None for any other failed import.

    The page's Python carries the whole standard library that Pyodide has (py/builder/stdlib.py).
    A standard module can still be missing there: the ones Pyodide cannot have in a browser
    (tkinter, curses, readline, venv, multiprocessing's helpers...) and the Windows-only ones.
    sys.stdlib_module_names lists every top-level standard module, present here or not; a
    missing submodule of a package that imported (`json.nope`) is no standard module at all."""
    name = getattr(exc, "name", None)
    if not isinstance(exc, ModuleNotFoundError) or not name:
        return None
    top = name.partition(".")[0]
    if top not in sys.stdlib_module_names or (top != name and top in sys.modules):
        return None
    needs = {  # what each needs that a browser page cannot give Python
        "a desktop window": {"tkinter", "_tkinter", "turtle", "turtledemo", "idlelib"},
        "a terminal": {"curses", "_curses", "_curses_panel", "readline"},
        "other processes": {"venv", "ensurepip", "_multiprocessing", "_posixshmem",
                            "_interpreters", "_interpchannels", "_interpqueues"},
        "the operating system's users and services": {"pwd", "grp", "resource", "syslog"},
    }
    need = next((what for what, names in needs.items() if top in names), None)
    if need:
        why = f"cannot run in a browser page (it needs {need})"
    elif top in {"msvcrt", "nt", "winreg", "winsound", "_winapi", "_wmi", "_overlapped"}:
        why = "exists only on Windows"
    else:  # dbm, pydoc_data, _pydecimal...: Pyodide leaves them out
        why = "is not in Pyodide, the Python that runs in this page"
    # No final full stop: the page appends " at line N".
    return f"No module named '{name}' in the guide's Python: '{top}' is part of Python's standard library but {why}"


def _wordless(exc):
    """Words for an exception raised without a message (MemoryError(), a bare `raise X`)."""
    if isinstance(exc, MemoryError):
        return ("Python ran out of memory: the page gives it a fixed amount, and this script "
                "asked for more (a list or a graph that keeps growing?)")
    name = getattr(exc, "name", None) or getattr(exc, "filename", None)
    about = f" about {name!r}" if name else ""
    return f"{type(exc).__name__} was raised{about} with no message"


# The standard library's network code: an exception raised inside it (a URLError, an OSError,
# Pyodide's "TLS not supported") is a download the page cannot make.
NETWORK_CODE = re.compile(r"[/\\](urllib|http|ftplib|smtplib|socket|ssl|pyodide[/\\]http)([/\\]|\.py$)")


def offline_message(exc):
    """Why a download fails in the page: it is offline by design. None for other errors."""
    tb = traceback.extract_tb(exc.__traceback__)
    names = {type(exc).__name__, *(c.__name__ for c in type(exc).__mro__)}
    network = ("URLError" in names or "JsException" in names and "fetch" in str(exc).lower()
               or any(NETWORK_CODE.search(f.filename or "") for f in tb)
               or "idna" in str(exc))
    if not network:
        return None
    # No final full stop: the page appends " at line N".
    return (f"the script tried to reach the network ({type(exc).__name__}: {exc}), but this "
            f"page is offline by design: it makes no network request at all. The data set is "
            f"already in place as the file the script reads")


def from_syntax_error(exc, phase):
    text = "".join(traceback.format_exception_only(type(exc), exc))
    return ScriptError(type(exc).__name__, exc.msg or str(exc), text, exc.lineno, exc.offset, phase)


def from_bridge_bug(exc, phase="bridge"):
    """An exception inside the bridge itself: keep the full traceback, it is for us."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return ScriptError(type(exc).__name__, str(exc), text, None, None, phase)
