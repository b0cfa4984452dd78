"""A script that imports a standard module the page's Python cannot have gets an error that names
the module and says why, rather than a bare "No module named ..." that looks like a typo. The
page carries the whole standard library Pyodide has (py/builder/stdlib.py), so what is missing
there is what a browser page cannot run (tkinter, curses...) or what exists only on Windows."""

import re

import pytest
from _bridgecore import SCRIPT
from bridge import errors


def with_import(name):
    # After the script's own imports, so the traceback points at a line of the script.
    return re.sub(r"(?m)^import random.*\n", lambda m: m.group(0) + f"import {name}\n", SCRIPT, count=1)


def test_a_missing_standard_module_is_named_and_explained(driver):
    # winreg is a standard module that exists on no Linux, in the page or in CPython here.
    source = with_import("winreg")
    err = driver.error("load", source=source, dataset="ab\ncd\n")
    assert err["type"] == "ModuleNotFoundError"
    assert err["message"] == ("No module named 'winreg' in the guide's Python: 'winreg' is part of "
                              "Python's standard library but exists only on Windows")
    assert err["line"] == source.splitlines().index("import winreg") + 1
    assert err["message"] in err["traceback"]


def test_a_module_outside_the_standard_library_keeps_the_usual_message(driver):
    err = driver.error("load", source=with_import("no_such_package_here"), dataset="ab\ncd\n")
    assert err["message"] == "No module named 'no_such_package_here'"


def message(name):
    """The message for `import name` failing as it does in the page (on the host it may import)."""
    return errors.from_exception(ModuleNotFoundError(f"No module named '{name}'", name=name),
                                 "microgpt.py", "setup").message


@pytest.mark.parametrize("name, why", [
    ("tkinter", "cannot run in a browser page (it needs a desktop window)"),
    ("turtle", "cannot run in a browser page (it needs a desktop window)"),
    ("curses", "cannot run in a browser page (it needs a terminal)"),
    ("_multiprocessing", "cannot run in a browser page (it needs other processes)"),
    ("pwd", "cannot run in a browser page (it needs the operating system's users and services)"),
    ("msvcrt", "exists only on Windows"),
    ("dbm", "is not in Pyodide, the Python that runs in this page"),
])
def test_the_message_says_why_the_page_lacks_the_module(name, why):
    assert message(name) == (f"No module named '{name}' in the guide's Python: '{name}' is part of "
                             f"Python's standard library but {why}")


def test_a_submodule_names_its_missing_package():
    # In the page `import tkinter.ttk` fails on tkinter itself; the message is about the package.
    assert message("tkinter.ttk").endswith("'tkinter' is part of Python's standard library but cannot run "
                                           "in a browser page (it needs a desktop window)")


def test_a_missing_submodule_of_a_present_package_is_no_standard_module():
    # json imported, json.nope does not exist: the usual message, not "part of the standard library".
    import json  # noqa: F401

    assert message("json.nope") == "No module named 'json.nope'"
