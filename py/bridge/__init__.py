"""The bridge between the guide's web worker and the real microgpt.py.

It runs the user's script unmodified, in pieces cut from its own AST, so the page can step
training, draw samples and look inside while every line that runs is the script's own.
The worker talks only to `bridge.api.Session` (see CONTRACT.md).
"""
