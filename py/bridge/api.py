"""The worker's single entry point: Session.handle(method, args) -> plain dict, never raises.

Each `do_<name>` marked `@method` is the bridge method `<name>` (bridge/methods.py keeps the one
list; CONTRACT.md's table is written from it). A Session holds one loaded script; loading another
replaces it only if the new one parses and its setup runs, so a broken edit never loses a trained
model.
"""

import itertools
import os
import random
import shutil
import tempfile
from pathlib import Path

from . import attention, autograd, checkpoint, constants, datafile, facts, graph, lossgraph, phases, tokenizer, trace
from . import params as params_mod
from . import roles as roles_mod
from .errors import ScriptError, ScriptShapeError, from_bridge_bug
from .methods import METHODS, PYTHON, STDOUT, method
from .runner import Runner
from .training import Trainer

# Used when `load` gets no dataset and no earlier one: the names list shipped with the guide.
BUNDLED_NAMES = Path(__file__).resolve().parent.parent / "data" / "names.txt"
# A setup that fails for want of a file it opens gets the data set there and runs again, this
# many times at most (a script may look in a second place before it finds the first).
DATA_FILE_TRIES = 3


class Session:
    def __init__(self, emit=None, workdir=None):
        self.listener = emit or (lambda kind, payload: None)
        self.base = workdir or tempfile.mkdtemp(prefix="microgpt-")
        os.makedirs(self.base, exist_ok=True)
        self.runs = itertools.count(1)
        self.workdir = None
        self.dataset = None  # the data set text of the last load
        self.data_file = None  # where the loaded script found it
        self.runner = None
        self.roles = None
        self.trainer = None
        self.phases = None  # (runner, its line ranges): see _line_ranges

    def emit(self, kind, payload):
        # The runner and the sampler hold this method, not the listener: a session restored from
        # the page's memory snapshot (preload.py) gets the worker's listener after it was made.
        self.listener(kind, payload)

    # ---- dispatch ----

    def handle(self, name, args=None):
        """Run the method `name` with `args`, a dict (bytes as bytes): {ok, result | error}."""
        try:
            entry = METHODS.get(name) if isinstance(name, str) else None
            if entry is None or entry.runs_in != PYTHON:
                raise ScriptShapeError(f"unknown method {name!r}", "bridge")
            return {"ok": True, "result": entry.handler(self, **entry.bind(args))}
        except ScriptError as exc:
            return {"ok": False, "error": exc.to_dict()}
        except Exception as exc:  # a bridge bug or bad arguments: report, never raise
            return {"ok": False, "error": from_bridge_bug(exc).to_dict()}

    def _need_runner(self):
        if self.runner is None:
            raise ScriptShapeError("no script loaded: call `load` first", "bridge")
        return self.runner

    def _need_trainer(self):
        self._need_runner()
        if self.trainer is None:
            raise ScriptShapeError(self.roles.why("training"), "bridge")
        return self.trainer

    # ---- methods ----

    @method(changes_model=True)
    def do_load(self, source, dataset=None, filename="microgpt.py"):
        """`info`: runs the script's setup in a fresh working folder with the data set (text, or
        a list of lines) put where the script reads it; `dataset` omitted: the last one loaded,
        else the bundled names list.
        """
        if not isinstance(source, str) or not source.strip():
            raise ScriptShapeError("the script is empty: there is nothing to run", "parse")
        text = self._dataset_text(dataset)
        _check_dataset(text)
        rng = random.getstate()  # a failed setup must not disturb the old session's stream
        workdir = os.path.join(self.base, f"run-{next(self.runs)}")
        try:
            runner, data_file = self._set_up(source, filename, workdir, text)
            roles = roles_mod.discover(runner, data_file)
        except BaseException:
            random.setstate(rng)
            shutil.rmtree(workdir, ignore_errors=True)
            if self.runner is not None:
                self.runner.remember_source()  # the failed text took its place in linecache
            raise
        for module in (graph, trace, attention, lossgraph):
            module.forget()  # their caches hold the old script's objects
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir, self.dataset, self.data_file = workdir, text, data_file
        self.runner, self.roles = runner, roles
        self.trainer = Trainer(runner, roles) if runner.program.train else None
        return self.do_info()

    def _dataset_text(self, dataset):
        if dataset is not None:
            return dataset if isinstance(dataset, str) else "\n".join(dataset)
        if self.dataset is not None:
            return self.dataset
        if BUNDLED_NAMES.exists():
            return BUNDLED_NAMES.read_text(encoding="utf-8")
        return None  # the script's own download branch will run

    def _set_up(self, source, filename, workdir, text):
        """A Runner whose setup has run in a fresh `workdir`, with the data set put where the
        script reads it; (runner, data file)."""
        runner = Runner(source, filename, workdir, self.emit)
        path = datafile.data_file(runner.program.tree)
        # A file the script names in plain text and that is not its data set (a config file)
        # is simply missing: only a path computed at run time may be the data set's.
        named, _ = datafile.scan(runner.program.tree)
        tried = []
        while True:
            os.makedirs(workdir, exist_ok=True)
            if text is not None:
                _write(workdir, path, text)
            try:
                runner.run_setup()
                return runner, path
            except ScriptError as exc:
                wanted = exc.filename
                if (exc.type != "FileNotFoundError" or text is None or not wanted
                        or os.path.isabs(wanted) or wanted in tried or wanted == path
                        or os.path.normpath(wanted) in named or len(tried) >= DATA_FILE_TRIES):
                    raise
                tried.append(path)
                path = os.path.normpath(wanted)
                self.emit(STDOUT, {"text": f"(the guide put its data set in {path}, the file "
                                           f"the script opens, and ran its setup again)\n",
                                   "phase": "setup"})
                shutil.rmtree(workdir, ignore_errors=True)
                runner = Runner(source, filename, workdir, self.emit)

    @method()
    def do_info(self):
        """`info`: what the loaded script is (see below)."""
        self._need_runner()
        roles = self.roles
        docs = roles.documents_list()
        params = roles.params
        vocab = roles.vocab
        return {
            "num_docs": len(docs),
            "docs_head": [str(d) for d in docs[:20]],
            "longest_doc": max((len(d) for d in docs), default=0),
            "data_file": self.data_file,
            "vocab": vocab.describe() if vocab else None,
            "hyper": self._hyper(),
            "params": {
                "names": [m["name"] for m in params.layout()] if params else [],
                "shapes": [[m["rows"], m["cols"]] for m in params.layout()] if params else [],
                "layout": params.layout() if params else [],
                "count": len(params.nodes_list) if params else 0,
            },
            "step": self.trainer.steps_done if self.trainer else 0,
            "phases": self._line_ranges(),
            "roles": roles.describe(),
            "facts": facts.facts(roles),
            "missing": list(roles.missing.values()),
            "warnings": _warnings(vocab),
        }

    def _line_ranges(self):
        """The loaded script's lines by role. They are fixed once its setup ran, and working
        them out is most of `info`'s time, so they are worked out once per load: `info` is the
        first thing the page asks a fresh Python after a Stop (a copy each time: callers may keep it)."""
        if self.phases is None or self.phases[0] is not self.runner:
            self.phases = (self.runner, phases.line_ranges(self.runner, self.roles))
        return dict(self.phases[1])

    def _hyper(self):
        """The sizes the chapters show, each read from what the script does (None if unknown)."""
        roles, trainer = self.roles, self.trainer
        out = {"num_steps": None, "temperature": None, "n_embd": None, "max_positions": None}
        if trainer is not None:
            out["num_steps"] = trainer.length()
        if roles.sample is not None:
            out["temperature"] = roles.sample.temperature()
        if roles.params is not None and roles.output:
            out["n_embd"] = next(m.cols for m in roles.params.matrices if m.name == roles.output)
        if roles.tokenizer is not None and roles.vocab is not None and roles.vocab.chars:
            # The positions the loop visits for the longest text the page takes (it cuts a
            # document to its context length, block_size, if it does).
            common = next(iter(roles.vocab.chars))
            try:
                out["max_positions"] = roles.tokenizer.encode(common * tokenizer.MAX_CHARS)[1]
            except ScriptError:
                pass
        return out

    @method()
    def do_constants(self, source):
        """`{name: {value, line, col, end_line, end_col}}`: the literal top-level assignments of
        `source` (py/bridge/constants.py); needs no loaded script."""
        return constants.constants(source)

    @method()
    def do_eval(self, code):
        """`{repr}`: runs `code` in the script's namespace; the repr of its last expression."""
        return {"repr": self._need_runner().eval_user_code(code)}

    @method()
    def do_docs(self, start=0, count=20):
        """The list of documents from index `start`, `count` of them, in the script's order."""
        self._need_runner()
        docs = self.roles.documents_list()
        if not docs:
            raise ScriptShapeError(self.roles.why("documents"), "bridge")
        return [str(d) for d in docs[max(0, int(start)) : max(0, int(start)) + int(count)]]

    @method()
    def do_tokenize(self, text=""):
        """The training loop's own tokenizing lines run on `text` (below)."""
        self._need_runner()
        return tokenizer.tokenize(self.roles, text)

    @method()
    def do_vocab(self):
        """`{size, bos, eos, labels, decoder, chars: [{ch, id, count}], total_chars, longest}`."""
        self._need_runner()
        return tokenizer.vocab(self.roles)

    @method()
    def do_schedule(self, every=1):
        """`{var, lines, values: [[step, value]]}`: the update's per-step value (the learning
        rate), by the script's own statement, at every `every`-th step."""
        self._need_runner()
        schedule = self.roles.schedule
        if schedule is None:
            raise ScriptShapeError("the update part of the training step computes no per-step "
                                   "value from the step (a learning-rate schedule) before its "
                                   "loop over the parameters", "bridge")
        return {"var": schedule.var, "lines": schedule.lines(), "values": schedule.values(every)}

    @method(changes_model=True)
    def do_step(self, count=1, with_params=False, watch=()):
        """The list of step records of `count` training steps (below); `[]` once the loop's
        iterable is used up."""
        return self._need_trainer().steps(int(count), bool(with_params), list(watch or ()))

    @method()
    def do_params(self):
        """`{names, shapes, layout, moments, data, grad, m, v}`: flat float arrays in the
        optimizer's order."""
        self._need_runner()
        roles = self.roles
        params, nodes, ns = roles.need("params"), roles.nodes, self.runner.ns
        layout = params.layout()
        return {
            "names": [m["name"] for m in layout],
            "shapes": [[m["rows"], m["cols"]] for m in layout],
            "layout": layout,
            "moments": params.moments,
            "data": params_mod.data(params, nodes),
            "grad": params_mod.grads(params, nodes),
            "m": params_mod.moment(params, ns, 0),
            "v": params_mod.moment(params, ns, 1),
        }

    @method()
    def do_sample(self, temperature=None, seed=None):
        """`{text, steps: [{probs, token, argmax}], printed, draw}`: one sample by the script's
        own sampling loop (below)."""
        self._need_runner()
        return self.roles.need("sample").sample(temperature, seed)

    @method()
    def do_checkpoint_export(self, with_random=True):
        """`{blob: bytes}`: the parameters, Adam's moments, the steps done and (`with_random`)
        the random state (py/bridge/checkpoint.py)."""
        trainer = self._need_trainer()
        return {"blob": checkpoint.export(self.roles, trainer.steps_done, bool(with_random))}

    @method(changes_model=True)
    def do_checkpoint_import(self, blob):
        """`info`: the model as `blob` (bytes that `checkpoint_export` gave) saved it."""
        trainer = self._need_trainer()
        roles = self.roles
        if not isinstance(blob, bytes | bytearray | memoryview):
            raise ScriptShapeError("`checkpoint_import` takes the checkpoint as bytes (a "
                                   f"Uint8Array from the page), not {type(blob).__name__}", "bridge")
        data, m, v, steps_done, state = checkpoint.parse(blob, roles)
        params_mod.load(roles.params, roles.nodes, self.runner.ns, data, (m, v))
        trainer.seek(steps_done)
        if state is not None:
            random.setstate(state)
        return self.do_info()

    # ---- the explorers (trace.py, attention.py, autograd.py, graph.py, lossgraph.py) ----

    @method()
    def do_trace(self, name="", pos=0):
        """The model's call at position `pos` of the document `name`, statement by statement
        (below)."""
        self._need_runner()
        with self.runner.running("run"):
            return trace.forward_trace(self.roles, name, pos)

    @method()
    def do_outline(self):
        """The model's statements with their data flow, from one traced call of a short word
        (below)."""
        self._need_runner()
        with self.runner.running("run"):
            return trace.outline_of(self.roles)

    @method()
    def do_attention(self, word="", intervention=None):
        """Every layer and head at every position of `word`, with and without `intervention`
        (below)."""
        self._need_runner()
        with self.runner.running("run"):
            return attention.capture(self.roles, word, intervention)

    @method()
    def do_autograd(self, expr=None, preset=None, inputs=None):
        """`{expr, preset, presets, inputs, nodes, edges, output_id, order, writes, grads,
        fd_check, autograd}`: `expr` (or a `preset`) built and differentiated by the script's
        own autograd class (below)."""
        self._need_runner()
        with self.runner.running("run"):
            return autograd.run(self.roles, expr=expr, preset=preset, inputs=inputs)

    @method()
    def do_graph_summary(self):
        """The last training step's loss graph: its op counts."""
        return graph.summary(self._graph_root(), self.roles)

    @method()
    def do_graph_expand(self, node_id=None):
        """The children of the node `node_id` of the last training step's loss graph."""
        return graph.expand(self._graph_root(), node_id, self.roles)

    @method()
    def do_loss_graph(self, step=None):
        """The loss graph of loop step `step`, built without training (bridge/lossgraph.py;
        below)."""
        return lossgraph.build(self._need_trainer(), step)

    @method()
    def do_loss_graph_expand(self, node_id=None):
        """The children of the node `node_id` of `loss_graph`'s graph, each with its `origin`."""
        return lossgraph.expand(self._need_trainer(), node_id)

    @method()
    def do_loss_graph_path(self, to=None):
        """The nodes from the loss to the nearest parameter labelled `to` (null: the token
        embedding), each with its `origin`."""
        trainer = self._need_trainer()
        if to is None:
            with self.runner.running("run"):
                to = trace.outline_of(self.roles)["embedding"]["token"]
            if to is None:
                raise ScriptShapeError("no token embedding found: looked for a statement of the "
                                       "model whose result is the row of a matrix picked by "
                                       "the token id", "bridge")
        return lossgraph.path(trainer, to)

    def _graph_root(self):
        trainer = self._need_trainer()
        if trainer.last_loss is None:
            raise ScriptShapeError("no loss graph yet: run a training step first", "bridge")
        return trainer.last_loss


# A vocabulary this large is almost always a data set that is not what it seems (a binary file
# read as text, a book's every symbol): the page warns and lets the learner go on.
LARGE_VOCABULARY = 256


def _check_dataset(text):
    """Refuse a data set that cannot be one, before it breaks anything."""
    if text is None:
        return
    if not any(line.strip() for line in text.splitlines()):
        raise ScriptError("DatasetError", "the data set is empty: it has no line with text in it",
                          phase="setup")
    sample = text[:200_000]
    odd = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\n\r\t"))
    if "\x00" in sample or odd > max(8, len(sample) // 100):
        raise ScriptError("DatasetError", "the data set does not look like text: "
                          f"{odd} of its first {len(sample):,} characters are control characters or "
                          "bytes that are not UTF-8 (is it a binary file?)", phase="setup")


def _warnings(vocab):
    if vocab is not None and vocab.size > LARGE_VOCABULARY:
        return [f"The vocabulary has {vocab.size:,} tokens: this data set uses that many different "
                f"characters. Every one gets a row in the embedding and a score in the output, so "
                f"the model is large and slow to train; is this the data set you meant?"]
    return []


def _write(workdir, path, content):
    """`content` (text, written as UTF-8, or bytes) at `path` under `workdir`."""
    full = os.path.join(workdir, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(content.encode("utf-8") if isinstance(content, str) else content)
