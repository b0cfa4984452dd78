"""The worker's single entry point: Session.handle(method, args_json) -> plain dict, never raises.

See CONTRACT.md for the methods. A Session holds one loaded script; loading another replaces
it only if the new one parses and its setup runs, so a broken edit never loses a trained model.
"""

import base64
import importlib
import json
import os
import random
import sys
import tempfile
from pathlib import Path

from . import checkpoint, model
from .errors import ScriptError, ScriptShapeError, from_bridge_bug
from .runner import Runner
from .sampling import Sampler
from .training import Trainer

HYPER_NAMES = [
    "n_layer", "n_embd", "block_size", "n_head", "head_dim", "num_steps",
    "learning_rate", "beta1", "beta2", "eps_adam", "temperature",
]
# Used when `load` gets no dataset and the workdir has none: the names list shipped with the guide.
BUNDLED_NAMES = Path(__file__).resolve().parent.parent / "data" / "names.txt"


class Session:
    def __init__(self, emit=None, workdir=None):
        self.emit = emit or (lambda kind, payload: None)
        self.workdir = workdir or tempfile.mkdtemp(prefix="microgpt-")
        os.makedirs(self.workdir, exist_ok=True)
        self.runner = None
        self.trainer = None
        self.sampler = None

    # ---- dispatch ----

    def handle(self, method, args_json="{}"):
        try:
            args = _parse_args(args_json)
            handler = getattr(self, "do_" + str(method), None)
            if handler is None:
                raise ScriptShapeError(f"unknown method {method!r}", "bridge")
            return {"ok": True, "result": handler(**args)}
        except ScriptError as exc:
            return {"ok": False, "error": exc.to_dict()}
        except Exception as exc:  # a bridge bug or bad arguments: report, never raise
            return {"ok": False, "error": from_bridge_bug(exc).to_dict()}

    def _need_runner(self):
        if self.runner is None:
            raise ScriptShapeError("no script loaded: call `load` first", "bridge")
        return self.runner

    def _need(self, part):
        self._need_runner()
        found = getattr(self, part)
        if found is None:
            what = {"trainer": "training", "sampler": "sampling"}[part]
            message = next((m for m in self.runner.missing() if what in m), f"no {what} loop")
            raise ScriptShapeError(message, "bridge")
        return found

    # ---- methods ----

    def do_load(self, source, dataset=None, filename="microgpt.py"):
        self._write_dataset(dataset)
        rng = random.getstate()  # a failed setup must not disturb the old session's stream
        try:
            runner = Runner(source, filename, self.workdir, self.emit)
            runner.run_setup()
        except BaseException:
            random.setstate(rng)
            if self.runner is not None:
                self.runner.remember_source()  # the failed text took its place in linecache
            raise
        graph = sys.modules.get(f"{__package__}.graph")
        if graph is not None:
            graph.forget()  # it caches the old script's loss graph
        self.runner = runner
        self.trainer = Trainer(runner) if runner.shape.train else None
        self.sampler = Sampler(runner) if runner.shape.sample else None
        return self.do_info()

    def _write_dataset(self, dataset):
        path = os.path.join(self.workdir, "input.txt")
        if dataset is not None:
            text = dataset if isinstance(dataset, str) else "\n".join(dataset)
        elif os.path.exists(path):
            return
        elif BUNDLED_NAMES.exists():
            text = BUNDLED_NAMES.read_text(encoding="utf-8")
        else:
            return  # the script's own download branch will run
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def do_info(self):
        runner = self._need_runner()
        ns = runner.ns
        docs = ns.get("docs") if isinstance(ns.get("docs"), list) else []
        names, shapes = model.names_shapes(ns)
        params = ns.get("params")
        hyper = {name: _plain_number(ns.get(name)) for name in HYPER_NAMES}
        if hyper["temperature"] is None:  # set after training; read it from the AST until then
            hyper["temperature"] = _plain_number(runner.shape.inference_constant("temperature"))
        uchars = ns.get("uchars")
        return {
            "num_docs": len(docs),
            "docs_head": [str(d) for d in docs[:20]],
            "uchars": [str(c) for c in uchars] if isinstance(uchars, list | str) else [],
            "BOS": _plain_number(ns.get("BOS")),
            "vocab_size": _plain_number(ns.get("vocab_size")),
            "longest_doc": max((len(d) for d in docs), default=0),
            "hyper": hyper,
            "params": {
                "names": names,
                "shapes": shapes,
                "count": len(params) if isinstance(params, list) else 0,
            },
            "step": self.trainer.steps_done if self.trainer else 0,
            "phases": runner.shape.line_ranges(),
            "missing": runner.missing(),
        }

    def do_constants(self, source):
        return _feature("constants").constants(source)

    def do_eval(self, code):
        return {"repr": self._need_runner().eval_user_code(code)}

    def do_docs(self, start=0, count=20):
        docs = self._need_runner().ns.get("docs")
        if not isinstance(docs, list):
            raise ScriptShapeError("no variable `docs`", "bridge")
        return [str(d) for d in docs[max(0, int(start)) : max(0, int(start)) + int(count)]]

    def do_tokenize(self, text=""):
        return _feature("tokenizer").tokenize(self._need_runner(), text)

    def do_vocab(self):
        return _feature("tokenizer").vocab(self._need_runner())

    def do_step(self, count=1, with_params=False):
        return self._need("trainer").steps(int(count), bool(with_params))

    def do_params(self):
        ns = self._need_runner().ns
        names, shapes = model.names_shapes(ns)
        return {
            "names": names,
            "shapes": shapes,
            "data": model.data(ns),
            "grad": model.grads(ns),
            "m": model.adam_moment(ns, "m"),
            "v": model.adam_moment(ns, "v"),
        }

    def do_sample(self, temperature=None, seed=None):
        return self._need("sampler").sample(temperature, seed)

    def do_checkpoint_export(self):
        trainer = self._need("trainer")
        return {"blob": checkpoint.export(self.runner.ns, trainer.steps_done)}

    def do_checkpoint_import(self, blob):
        trainer = self._need("trainer")
        data, m, v, steps_done = checkpoint.parse(_blob_bytes(blob), self.runner.ns)
        model.load_state(self.runner.ns, data, m, v)
        trainer.seek(steps_done)
        return self.do_info()

    # ---- the explorers (bridge/trace.py, attention.py, autograd.py, graph.py) ----

    def do_trace(self, name="gpt", pos=0, callees=False):
        trace = _feature("trace")
        runner = self._need_runner()
        with runner.running("run"):
            return trace.forward_trace(runner.ns, runner.filename, name, pos, callees)

    def do_attention(self, word="", intervention=None):
        attention = _feature("attention")
        runner = self._need_runner()
        with runner.running("run"):
            return attention.capture(runner.ns, runner.filename, word, intervention)

    def do_autograd(self, expr=None, preset=None, inputs=None):
        autograd = _feature("autograd")
        runner = self._need_runner()
        with runner.running("run"):
            return autograd.run(
                runner.ns, expr=expr, preset=preset, inputs=inputs, filename=runner.filename
            )

    def do_graph_summary(self):
        graph = _feature("graph")
        return graph.summary(self._graph_root(), ns=self.runner.ns)

    def do_graph_expand(self, node_id=None):
        graph = _feature("graph")
        return graph.expand(self._graph_root(), node_id, ns=self.runner.ns)

    # The loss graph of one step, built without training (bridge/lossgraph.py).
    def do_loss_graph(self, step=None):
        return _feature("lossgraph").build(self._need("trainer"), step)

    def do_loss_graph_expand(self, node_id=None):
        return _feature("lossgraph").expand(self._need("trainer"), node_id)

    def do_loss_graph_path(self, to="wte"):
        return _feature("lossgraph").path(self._need("trainer"), to)

    def _graph_root(self):
        trainer = self._need("trainer")
        if trainer.last_loss is None:
            raise ScriptShapeError("no loss graph yet: run a training step first", "bridge")
        return trainer.last_loss


def _feature(name):
    """A sibling module written separately; a clear message until it exists."""
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{name}":
            raise
        raise NotImplementedError(f"bridge.{name} is not available yet") from None


def _parse_args(args_json):
    if args_json is None or args_json == "":
        return {}
    args = json.loads(args_json) if isinstance(args_json, str | bytes) else dict(args_json)
    if not isinstance(args, dict):
        raise ScriptShapeError("arguments must be a JSON object", "bridge")
    return args


def _blob_bytes(blob):
    """JSON cannot carry bytes: accept base64 text or a list of ints as well as bytes."""
    if isinstance(blob, str):
        return base64.b64decode(blob)
    if isinstance(blob, list):
        return bytes(blob)
    return bytes(blob)


def _plain_number(x):
    return x if isinstance(x, int | float) and not isinstance(x, bool) else None
