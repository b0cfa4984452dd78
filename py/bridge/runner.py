"""Run pieces of the user's script in its own namespace, as if it were running as `python`.

Every piece is compiled from the script's own AST nodes with the script's filename, so line
numbers and tracebacks point into the user's code. Nothing rewrites the script's text.
"""

import ast
import builtins
import contextlib
import io
import linecache
import os
import sys

from . import errors, program

# Names the bridge parks in the namespace while a piece runs; removed right after.
FLOW = "__bridge_flow__"
ONCE = "__bridge_once__"
ITEM = "__bridge_item__"


class EmitStream(io.TextIOBase):
    """sys.stdout stand-in: forwards whole lines (or '\\r' rewrites) to the worker as they come."""

    def __init__(self, emit, phase):
        super().__init__()
        self._emit = emit
        self._phase = phase
        self._pending = []

    def writable(self):
        return True

    def write(self, text):
        if text:
            self._pending.append(text)
            # print() arrives as two writes (text, then end); sending when a line ends keeps
            # one message per printed line.
            if text.endswith(("\n", "\r")):
                self.flush()
        return len(text)

    def flush(self):
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self._emit("stdout", {"text": text, "phase": self._phase})


class Runner:
    """One loaded script: its source, its program (the cut-up AST) and the namespace it runs in.

    `program` is first cut statically (for phases before anything runs); run_setup() cuts it
    again as the script runs, taking each `if` on the way to the training loop the way the
    script does (program.cut)."""

    def __init__(self, source, filename, workdir, emit):
        self.source = source
        self.filename = filename
        self.workdir = workdir
        self.emit = emit
        self.remember_source()
        try:
            self.program = program.parse(source, filename)
        except SyntaxError as exc:
            raise errors.from_syntax_error(exc, "parse") from None
        self.ns = {
            "__name__": "__main__",
            "__file__": os.path.join(workdir, filename),
            "__builtins__": builtins,
            "__source__": source,  # for the explorers, should linecache be cleared
        }

    def remember_source(self):
        """Tracebacks and the explorers read source lines through linecache: no file on disk."""
        _remember_source(self.filename, self.source)

    # ---- compiling pieces of the script ----

    def compile_block(self, stmts):
        """Top-level statements as one code object; None when there are none."""
        if not stmts:
            return None
        return compile(ast.Module(body=list(stmts), type_ignores=[]), self.filename, "exec")

    def compile_loop_body(self, stmts):
        """Statements from inside a loop body, runnable on their own.

        `break` and `continue` only compile inside a loop, so the statements are wrapped in a
        loop that runs once; afterwards FLOW says how it ended: 'done', 'continue' or 'break'.
        """
        if not stmts:
            return None
        wrapper = ast.parse(
            f"{FLOW} = 'break'\n"
            f"for {ONCE} in (None,):\n"
            f"    {FLOW} = 'done'\n"
            "else:\n"
            f"    if {FLOW} == 'break':\n"
            f"        {FLOW} = 'continue'\n"
        ).body
        for stmt in wrapper:
            _place_at(stmt, stmts[0])
        loop = wrapper[1]
        loop.body = list(stmts) + loop.body
        return compile(ast.Module(body=wrapper, type_ignores=[]), self.filename, "exec")

    def compile_bind(self, target):
        """`<loop target> = ITEM`, so a loop variable (even a tuple) is bound like `for` would."""
        assign = ast.Assign(targets=[target], value=ast.Name(ITEM, ast.Load()))
        ast.copy_location(assign, target)
        ast.fix_missing_locations(assign)
        return compile(ast.Module(body=[assign], type_ignores=[]), self.filename, "exec")

    def compile_expr(self, node):
        expr = ast.Expression(body=node)
        ast.fix_missing_locations(expr)
        return compile(expr, self.filename, "eval")

    # ---- running them ----

    @contextlib.contextmanager
    def running(self, phase, quiet=False):
        """Run script code as the script would: in workdir, prints forwarded, errors made plain.

        `quiet`: the script's prints are dropped (an explorer running part of the training loop
        must not look like training in the console)."""
        old_cwd = _safe_getcwd()
        old_stdout, old_argv = sys.stdout, sys.argv
        stream = io.StringIO() if quiet else EmitStream(self.emit, phase)
        os.makedirs(self.workdir, exist_ok=True)
        os.chdir(self.workdir)
        sys.stdout = stream
        # As `python microgpt.py` with no arguments: argparse takes its defaults.
        sys.argv = [self.filename]
        try:
            yield
        except (Exception, KeyboardInterrupt, SystemExit) as exc:
            raise errors.from_exception(exc, self.filename, phase) from None
        finally:
            stream.flush()
            sys.stdout, sys.argv = old_stdout, old_argv
            if old_cwd is not None:
                os.chdir(old_cwd)

    def exec_code(self, code):
        """Exec inside an active `running` block; returns how a loop-body piece ended."""
        if code is None:
            return "done"
        try:
            exec(code, self.ns)
            return self.ns.get(FLOW, "done")
        finally:
            self.ns.pop(ONCE, None)
            self.ns.pop(FLOW, None)

    def bind(self, code, item):
        self.ns[ITEM] = item
        try:
            exec(code, self.ns)
        finally:
            self.ns.pop(ITEM, None)

    def run_setup(self):
        """Setup when there is a training loop; otherwise the whole script, top to bottom.

        An `if` on the way to the training loop is decided by the script itself: the statements
        before it run, then its test is evaluated, as `python` would."""
        ran = []

        def choose(node, before):
            self.exec_code(self.compile_block(before))
            ran.extend(before)
            return bool(eval(self.compile_expr(node.test), self.ns))

        phase = "setup" if self.program.train is not None else "run"
        with self.running(phase):
            cut = program.cut(self.program.tree, self.program.body, choose)
            self.exec_code(self.compile_block(cut.setup[len(ran):]))
        self.program = cut

    def eval_user_code(self, code_text):
        """`eval` method: run statements in the namespace, return repr of a final expression."""
        _remember_source(errors.EVAL_FILENAME, code_text)
        try:
            tree = ast.parse(code_text, errors.EVAL_FILENAME)
        except SyntaxError as exc:
            raise errors.from_syntax_error(exc, "eval") from None
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = compile(ast.Expression(tree.body.pop().value), errors.EVAL_FILENAME, "eval")
        body = compile(tree, errors.EVAL_FILENAME, "exec")
        with self.running("run"):
            exec(body, self.ns)
            value = eval(last, self.ns) if last is not None else None
            return repr(value) if last is not None else None


def _remember_source(filename, source):
    # mtime None tells linecache.checkcache to leave the entry alone.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def _place_at(node, anchor):
    """Give bridge-made nodes the anchor's location, so errors never point at line 1."""
    for child in ast.walk(node):
        if "lineno" in child._attributes:
            child.lineno = anchor.lineno
            child.col_offset = anchor.col_offset
            child.end_lineno = anchor.end_lineno
            child.end_col_offset = anchor.end_col_offset


def _safe_getcwd():
    try:
        return os.getcwd()
    except OSError:  # the old directory may have been removed
        return None
