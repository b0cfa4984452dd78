"""Watch chosen code objects of the script statement by statement, from outside.

The guide never edits the script: it runs the script's own functions and listens. Two hooks
exist, depending on the interpreter:

* CPython 3.12+ (Pyodide runs 3.14) has `sys.monitoring`, where events are switched on for
  single code objects. Only `gpt` (and the helpers we ask for) report lines; the tens of
  thousands of `Value.__add__` frames and generator expressions run at full speed.
* CPython 3.11 (the test interpreter) only has `sys.settrace`, whose global hook sees every new
  frame; it returns None at once for frames we do not watch, which keeps the cost bounded.

Both hooks report *lines about to run*. Callers want "this statement has just finished", so
lines are mapped to the statement that owns them (see `scriptast.statement_map`) and a
statement counts as done when its frame moves on to a different statement or returns. Repeated
events for one statement (an inlined list comprehension looping on its own line) are ignored.
"""

import sys

FORCE_BACKEND = None  # tests set "settrace" to run the 3.11 path on newer interpreters

_monitoring = getattr(sys, "monitoring", None)
# PEP 667 made frame.f_locals a write-through proxy in 3.13; before that it is a snapshot dict.
WRITE_THROUGH_LOCALS = sys.version_info >= (3, 13)


def backend():
    if FORCE_BACKEND:
        return FORCE_BACKEND
    return "monitoring" if _monitoring is not None else "settrace"


class Watch:
    """Context manager: while active, report finished statements of the watched code objects.

    `maps` maps code object -> {line: statement start line}. Callbacks:
      on_start(frame, code)                 first statement of a new frame is about to run
      on_done(frame, code, stmt_line)       the statement starting at stmt_line has finished
      on_return(frame, code, value)         the frame returns `value` (after on_done)
    `calls` is a set of code objects watched more lightly, only for entering and leaving (no
    line events): on_call(frame, code) when one starts, on_leave(frame, code, value) when it
    returns. Callbacks may write the frame's locals through `set_local`, and may end the run by
    raising (a BaseException subclass passes through the script's own `except Exception`).
    """

    def __init__(self, maps, on_done=None, on_start=None, on_return=None, calls=(),
                 on_call=None, on_leave=None):
        self.maps = maps
        self.on_done = on_done or (lambda frame, code, line: None)
        self.on_start = on_start
        self.on_return = on_return
        self.calls = set(calls) - set(maps)
        self.on_call = on_call
        self.on_leave = on_leave
        self.current = {}  # frame -> start line of the statement it is running
        self.in_trace_callback = False
        self._kind = backend()
        self._tool = None
        self._old_trace = None

    # -- shared logic --------------------------------------------------------------------
    def _line(self, frame, code, line):
        stmt = self.maps[code].get(line)
        if stmt is None:
            return  # a line outside any statement (the `def` line itself on some versions)
        prev = self.current.get(frame)
        if prev == stmt:
            return
        self.current[frame] = stmt
        if prev is None:
            if self.on_start:
                self.on_start(frame, code)
        else:
            self.on_done(frame, code, prev)

    def _return(self, frame, code, value):
        prev = self.current.pop(frame, None)
        if prev is not None:
            self.on_done(frame, code, prev)
        if self.on_return:
            self.on_return(frame, code, value)

    def _enter(self, frame, code):
        if self.on_call:
            self.on_call(frame, code)

    def _leave(self, frame, code, value):
        if self.on_leave:
            self.on_leave(frame, code, value)

    # -- sys.settrace (3.11) -------------------------------------------------------------
    def _global_trace(self, frame, event, arg):
        code = frame.f_code
        if code in self.maps:
            return self._local_trace
        if code in self.calls:
            self._enter(frame, code)
            return self._call_trace
        return None

    def _call_trace(self, frame, event, arg):
        if event == "return":
            self._leave(frame, frame.f_code, arg)
        return self._call_trace

    def _local_trace(self, frame, event, arg):
        self.in_trace_callback = True
        try:
            if event == "line":
                self._line(frame, frame.f_code, frame.f_lineno)
            elif event == "return":
                self._return(frame, frame.f_code, arg)
        finally:
            self.in_trace_callback = False
        return self._local_trace

    # -- sys.monitoring (3.12+) ----------------------------------------------------------
    def _mon_line(self, code, line):
        # The callback's caller is the monitored frame itself.
        self._line(sys._getframe(1), code, line)

    def _mon_return(self, code, offset, value):
        if code in self.maps:
            self._return(sys._getframe(1), code, value)
        else:
            self._leave(sys._getframe(1), code, value)

    def _mon_start(self, code, offset):
        self._enter(sys._getframe(1), code)

    def __enter__(self):
        if self._kind == "monitoring":
            mon = _monitoring
            self._tool = _free_tool_id()
            mon.use_tool_id(self._tool, "microgpt-guide")
            ev = mon.events
            mon.register_callback(self._tool, ev.LINE, self._mon_line)
            mon.register_callback(self._tool, ev.PY_RETURN, self._mon_return)
            mon.register_callback(self._tool, ev.PY_START, self._mon_start)
            # PY_UNWIND cannot be enabled per code object; a frame left by an exception just
            # stays in `current` until __exit__ clears it.
            for code in self.maps:
                mon.set_local_events(self._tool, code, ev.LINE | ev.PY_RETURN)
            for code in self.calls:
                mon.set_local_events(self._tool, code, ev.PY_START | ev.PY_RETURN)
        else:
            self._old_trace = sys.gettrace()
            sys.settrace(self._global_trace)
        return self

    def __exit__(self, *exc):
        if self._kind == "monitoring":
            mon = _monitoring
            for code in list(self.maps) + list(self.calls):
                mon.set_local_events(self._tool, code, 0)
            for event in (mon.events.LINE, mon.events.PY_RETURN, mon.events.PY_START):
                mon.register_callback(self._tool, event, None)
            mon.free_tool_id(self._tool)
        else:
            sys.settrace(self._old_trace)
        self.current.clear()
        return False


def _free_tool_id():
    for tool in range(6):
        if _monitoring.get_tool(tool) is None:
            return tool
    raise RuntimeError("no free sys.monitoring tool id (a debugger or profiler holds all six)")


def get_locals(frame):
    """The frame's locals as a mapping (a snapshot dict before 3.13, a live proxy after)."""
    return frame.f_locals


def set_local(frame, name, value, watch=None):
    """Rebind a local variable of a running frame; return how it was done.

    3.13+: f_locals is write-through (PEP 667). Before that, f_locals is a snapshot dict and
    the write must be copied back into the frame's fast slots: PyFrame_LocalsToFast via ctypes
    where it exists (CPython; also handles closure cells), and otherwise, inside a settrace
    callback, the trace trampoline copies the dict back on its own when the callback returns.
    If none of these is available and the old value is a list, it is changed in place so the
    running code still sees the new contents.
    """
    if WRITE_THROUGH_LOCALS:
        frame.f_locals[name] = value
        return "f_locals"
    loc = frame.f_locals
    old = loc.get(name)
    loc[name] = value
    locals_to_fast = _locals_to_fast()
    if locals_to_fast is not None:
        locals_to_fast(frame)
        return "LocalsToFast"
    if watch is not None and watch.in_trace_callback:
        return "settrace"
    if isinstance(old, list) and isinstance(value, list):
        old[:] = value
        return "in-place"
    raise RuntimeError("this Python cannot change a running frame's locals")


_L2F = []


def _locals_to_fast():
    if not _L2F:
        fn = None
        try:
            import ctypes

            api = ctypes.pythonapi.PyFrame_LocalsToFast
            api.argtypes = [ctypes.py_object, ctypes.c_int]
            api.restype = None

            def fn(frame):
                api(frame, 0)
        except (ImportError, AttributeError, OSError):
            fn = None
        _L2F.append(fn)
    return _L2F[0]
