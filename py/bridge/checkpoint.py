"""Save and restore training progress as one compact bytes blob.

Layout (little-endian):
  header  8s magic | u32 param count | u32 steps done | u32 crc32 of the layout
  body    count float64 params data, then count float64 m, then count float64 v
  random  (MGPTCKP2 only) the `random` module's state: u32 version, u32 length n, n u32 words,
          u8 has-gauss, f64 gauss_next
The layout checksum covers the matrices' names and shapes, so a blob from a model of another
size (or with renamed matrices) is refused instead of loaded into the wrong places.
Grads are not saved: between steps the script has already zeroed them. The random state is
saved so that a restored model goes on exactly as it would have (a script may draw random
numbers while it trains, and sampling after a restore continues the same stream). MGPTCKP1
blobs (the checkpoints the build computes, py/checkpoints/) have no random state: importing one
leaves the stream where it is.
"""

import json
import random
import struct
import sys
import zlib
from array import array

from . import params as params_mod
from .errors import ScriptShapeError

MAGIC = b"MGPTCKP2"
OLD_MAGIC = b"MGPTCKP1"
HEADER = struct.Struct("<8sIII")
RANDOM_HEAD = struct.Struct("<II")
GAUSS = struct.Struct("<Bd")


def layout_crc(roles):
    layout = roles.need("params").layout()
    names, shapes = [m["name"] for m in layout], [[m["rows"], m["cols"]] for m in layout]
    return zlib.crc32(json.dumps([names, shapes]).encode())


def export(roles, steps_done, with_random=True):
    params, nodes, ns = roles.need("params"), roles.nodes, roles.runner.ns
    data = params_mod.data(params, nodes)
    parts = [data, params_mod.moment(params, ns, 0), params_mod.moment(params, ns, 1)]
    body = b"".join(_little_endian(a) for a in parts)
    magic = MAGIC if with_random else OLD_MAGIC
    blob = HEADER.pack(magic, len(data), steps_done, layout_crc(roles)) + body
    return blob + _random_state() if with_random else blob


def parse(blob, roles):
    """Check the blob against the loaded script; (data, m, v, steps_done, random state or None)."""
    blob = bytes(blob)
    if len(blob) < HEADER.size:
        raise ScriptShapeError("checkpoint too short", "checkpoint")
    magic, count, steps_done, crc = HEADER.unpack_from(blob)
    if magic not in (MAGIC, OLD_MAGIC):
        raise ScriptShapeError("not a microgpt checkpoint", "checkpoint")
    end = HEADER.size + 3 * 8 * count
    if len(blob) < end or (magic == OLD_MAGIC and len(blob) != end):
        raise ScriptShapeError("checkpoint has the wrong length", "checkpoint")
    if count != len(roles.need("params").nodes_list) or crc != layout_crc(roles):
        raise ScriptShapeError(
            "checkpoint is for a model of another shape than the loaded script", "checkpoint"
        )
    arrays = []
    for i in range(3):
        start = HEADER.size + i * 8 * count
        a = array("d")
        a.frombytes(blob[start : start + 8 * count])
        if sys.byteorder == "big":
            a.byteswap()
        arrays.append(a)
    state = _read_random(blob, end) if magic == MAGIC else None
    return arrays[0], arrays[1], arrays[2], steps_done, state


def _random_state():
    version, words, gauss = random.getstate()
    packed = array("I", words)
    if sys.byteorder == "big":
        packed.byteswap()
    has = gauss is not None
    return (RANDOM_HEAD.pack(version, len(words)) + packed.tobytes()
            + GAUSS.pack(1 if has else 0, gauss if has else 0.0))


def _read_random(blob, at):
    if len(blob) < at + RANDOM_HEAD.size:
        raise ScriptShapeError("checkpoint has the wrong length", "checkpoint")
    version, n = RANDOM_HEAD.unpack_from(blob, at)
    at += RANDOM_HEAD.size
    if len(blob) != at + 4 * n + GAUSS.size:
        raise ScriptShapeError("checkpoint has the wrong length", "checkpoint")
    words = array("I")
    words.frombytes(blob[at : at + 4 * n])
    if sys.byteorder == "big":
        words.byteswap()
    has, gauss = GAUSS.unpack_from(blob, at + 4 * n)
    return (version, tuple(words), gauss if has else None)


def _little_endian(a):
    if sys.byteorder == "big":
        a = array("d", a)
        a.byteswap()
    return a.tobytes()
