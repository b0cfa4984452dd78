"""The default script already loaded, in the page's memory snapshot.

The build makes the snapshot (builder/snapshot.mjs) in the page's own Pyodide: it imports the
bridge, then `prepare`s a Session with the page's default script and data set, exactly as the
worker's boot would (`load`). The page's worker restores that memory, and `adopt` hands it the
session, only for the very same script text, file name and data set: any other script (an edit,
a downloaded guide with the learner's script) gets nothing and is loaded as after a cold start.

A snapshot holds Python's memory, not the file system (a JavaScript object) nor the worker's
listener: `adopt` writes back the files the setup left in its working directory, gives the
session the worker's listener, and replays what the setup printed, so that the page shows the
same console as after a cold start. tests/browser/test_snapshot.py checks the answers are the
same, bit for bit.
"""

import os

from .api import Session, _write
from .errors import ScriptError

_prepared = None  # (session, its load answer, {relative path: bytes} the setup left, [(kind, payload) emitted])


def prepare(source, filename, dataset, workdir):
    """At build time: a session with `source` loaded (its setup run) on `dataset`. A script whose
    setup fails prepares nothing (the build refuses it with the script's own error elsewhere,
    builder/first_frame.py)."""
    global _prepared
    emitted = []
    session = Session(emit=lambda kind, payload: emitted.append((kind, payload)), workdir=workdir)
    try:
        info = session.do_load(source, dataset, filename)
    except ScriptError:
        return
    files = {}
    for folder, _, names in os.walk(session.workdir):
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, session.workdir)
            if os.path.normpath(relative) != os.path.normpath(session.data_file or ""):
                with open(path, "rb") as f:
                    files[relative] = f.read()
    _prepared = (session, info, files, emitted)


def adopt(source, filename, dataset, emit):
    """In the page: (the prepared session, what its `load` answered) if it ran exactly this script
    on this data set, else None. Either way the snapshot's session is given up."""
    global _prepared
    prepared, _prepared = _prepared, None
    if prepared is None:
        return None
    session, info, files, emitted = prepared
    runner = session.runner
    if (runner.source, runner.filename, session.dataset) != (source, filename, dataset):
        return None
    if session.data_file and session.dataset is not None:
        _write(session.workdir, session.data_file, session.dataset)
    for relative, data in files.items():
        _write(session.workdir, relative, data)
    session.listener = emit
    for kind, payload in emitted:
        emit(kind, payload)
    return session, info

