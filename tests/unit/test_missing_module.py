"""A script that imports a standard module the page's trimmed stdlib lacks gets an error that
names the module and says why, rather than a bare "No module named ..." that looks like a typo."""

import re

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
    assert "'winreg'" in err["message"]
    assert "only part of the standard library" in err["message"]
    assert err["line"] == source.splitlines().index("import winreg") + 1
    assert "only part of the standard library" in err["traceback"]


def test_a_module_outside_the_standard_library_keeps_the_usual_message(driver):
    err = driver.error("load", source=with_import("no_such_package_here"), dataset="ab\ncd\n")
    assert err["message"] == "No module named 'no_such_package_here'"


def test_the_message_for_a_module_left_out_of_the_trimmed_stdlib():
    # In the page `import sqlite3` fails like this (on the host it would import).
    exc = ModuleNotFoundError("No module named 'sqlite3'", name="sqlite3")
    message = errors.from_exception(exc, "microgpt.py", "setup").message
    assert "'sqlite3'" in message and "only part of the standard library" in message
    submodule = ModuleNotFoundError("No module named 'xml.dom'", name="xml.dom")
    assert "'xml.dom'" in errors.missing_stdlib_message(submodule)
