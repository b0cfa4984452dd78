"""What the bridge reads from a script before it explains anything: its autograd class, however
the class stores its graph (nodes.py), and the file it reads its data set from (datafile.py)."""

import ast

import pytest
from _bridgecore import SCRIPT, VARIANTS_DIR
from bridge import datafile, nodes
from bridge.errors import ScriptShapeError

MICROGRAD = (VARIANTS_DIR / "value_micrograd.py").read_text(encoding="utf-8")


def class_ns(source, filename="script.py", name="Value"):
    """A namespace holding the script's class `name`, compiled under the script's filename."""
    tree = ast.parse(source)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    module = ast.Module(body=[ast.Import(names=[ast.alias("math")]), cls], type_ignores=[])
    ns = {}
    exec(compile(ast.fix_missing_locations(module), filename, "exec"), ns)
    return ns


def test_discover_microgpts_value():
    ns = class_ns(SCRIPT)
    found = nodes.discover(ns, "script.py")
    assert found.describe() == {"class": "Value", "data": "data", "grad": "grad", "children": "_children",
                                "local_grads": "_local_grads", "closure": None, "op": None, "backward": "backward"}
    value = ns["Value"]
    a, b = value(2.0), value(-3.0)
    c = a * b
    assert found.is_node(c) and not found.is_node(2.0)
    assert found.children(c) == (a, b) and found.local_grads(c) == (-3.0, 2.0)
    assert found.value(c) == -6.0 and found.label(c) is None
    c.backward()
    assert found.grad_of(a) == -3.0


def test_discover_a_micrograd_value():
    ns = class_ns(MICROGRAD)
    found = nodes.discover(ns, "script.py")
    assert found.describe() == {"class": "Value", "data": "data", "grad": "grad", "children": "_prev",
                                "local_grads": None, "closure": "_backward", "op": "_op", "backward": "backward"}
    value = ns["Value"]
    a, b = value(2.0), value(-3.0)
    c = a * b
    kids = found.children(c)
    assert set(kids) == {a, b} and isinstance(kids, tuple)
    # The local derivatives, by running the node's own `_backward` with a unit grad, in the order
    # of its children; every grad is put back afterwards.
    a.grad, b.grad, c.grad = 5.0, 7.0, 11.0
    assert found.local_grads(c) == tuple(-3.0 if k is a else 2.0 for k in kids)
    assert (a.grad, b.grad, c.grad) == (5.0, 7.0, 11.0)
    assert found.label(c) == "*" and found.label(a) is None  # a leaf's label is empty
    assert found.local_grads(a) == ()


def test_a_closure_that_needs_more_than_its_node_is_unknown():
    ns = class_ns(MICROGRAD)
    found = nodes.discover(ns, "script.py")
    c = ns["Value"](2.0) * ns["Value"](3.0)
    c._backward = lambda: 1 / 0
    assert found.local_grads(c) == (None, None)


def test_no_autograd_class_says_what_was_looked_for():
    ns = {}
    exec(compile("class Loss:\n    def backward(self):\n        pass\n", "script.py", "exec"), ns)
    with pytest.raises(ScriptShapeError) as err:
        nodes.discover(ns, "script.py")
    assert "looked for a class of the script with a .backward() method" in err.value.message
    assert "tried Loss" in err.value.message
    # A class from another file (a library's) is not the script's.
    assert nodes.candidates(class_ns(SCRIPT, "other.py"), "script.py") == []


def reads(source):
    return datafile.scan(ast.parse(source))


@pytest.mark.parametrize(
    "source, expected",
    [
        (SCRIPT, (["input.txt"], [])),
        ("docs = open(os.path.join('data', 'names.txt')).read()", (["data/names.txt"], [])),
        ("p = os.path.join('data', 'a.txt')\ndocs = open(p).read()", (["data/a.txt"], [])),
        ("from pathlib import Path\ntext = (Path('data') / 'words.txt').read_text()",
         (["data/words.txt", "data"], [])),
        ("text = Path('corpus/words.txt').read_text(encoding='utf-8')", (["corpus/words.txt"], [])),
        ("import urllib.request\nurllib.request.urlretrieve('https://example.com/n.txt', 'names.txt')",
         (["names.txt"], [])),
        ("parser.add_argument('--data', default='words.csv')\nparser.add_argument('--lr', default=0.1)",
         (["words.csv"], [])),
        # A file the script also writes (saved weights) is never its data set.
        ("if os.path.exists('model.json'):\n    w = json.load(open('model.json'))\n"
         "docs = open('input.txt').read()\nwith open('model.json', 'w') as f:\n    json.dump(w, f)",
         (["input.txt"], ["model.json"])),
        ("Path('out/w.json').write_text('x')\nopen('log.txt', mode='a')", ([], ["out/w.json", "log.txt"])),
        ("open('/etc/passwd')\nopen('../up.txt')\nopen('https://example.com/x.txt')", ([], [])),
    ],
)
def test_scan(source, expected):
    assert reads(source) == expected


def test_data_file_is_the_first_read_that_looks_like_data():
    assert datafile.data_file(ast.parse("import os\nos.path.exists('cache')\ndocs = open('names.jsonl')")) \
        == "names.jsonl"
    assert datafile.data_file(ast.parse("docs = open('corpus')")) == "corpus"
    assert datafile.data_file(ast.parse("print(1)")) == "input.txt"


def test_data_file_is_where_the_script_downloads_its_data_or_the_first_read_in_source_order():
    # A config file read at the top level is shallower in the tree than the data set read in a
    # comprehension: the order is the source's, and a download's target wins.
    ordered = "docs = [l.strip() for l in open('names.txt')]\nsettings = open('settings.json').read()"
    assert datafile.data_file(ast.parse(ordered)) == "names.txt"
    downloaded = ("import json, os, urllib.request\nconfig = json.load(open('config.json'))\n"
                  "if not os.path.exists('input.txt'):\n    urllib.request.urlretrieve('https://x/y', 'input.txt')\n"
                  "docs = [l for l in open('input.txt')]")
    assert datafile.data_file(ast.parse(downloaded)) == "input.txt"
