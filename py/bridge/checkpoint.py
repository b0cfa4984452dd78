"""Save and restore training progress as one compact bytes blob.

Layout (little-endian):
  header  8s magic b"MGPTCKP1" | u32 param count | u32 steps done | u32 crc32 of the layout
  body    count float64 params data, then count float64 m, then count float64 v
The layout checksum covers the state_dict names and shapes, so a blob from a model of another
size (or with renamed matrices) is refused instead of loaded into the wrong places.
Grads are not saved: between steps the script has already zeroed them. Neither is the random
state: microgpt's training draws no random numbers, and sampling after an import simply goes
on from the current stream.
"""

import json
import struct
import sys
import zlib
from array import array

from . import params as params_mod
from .errors import ScriptShapeError

MAGIC = b"MGPTCKP1"
HEADER = struct.Struct("<8sIII")


def layout_crc(roles):
    layout = roles.need("params").layout()
    names, shapes = [m["name"] for m in layout], [[m["rows"], m["cols"]] for m in layout]
    return zlib.crc32(json.dumps([names, shapes]).encode())


def export(roles, steps_done):
    params, nodes, ns = roles.need("params"), roles.nodes, roles.runner.ns
    data = params_mod.data(params, nodes)
    parts = [data, params_mod.moment(params, ns, 0), params_mod.moment(params, ns, 1)]
    body = b"".join(_little_endian(a) for a in parts)
    return HEADER.pack(MAGIC, len(data), steps_done, layout_crc(roles)) + body


def parse(blob, roles):
    """Check the blob against the loaded script; returns (data, m, v, steps_done)."""
    blob = bytes(blob)
    if len(blob) < HEADER.size:
        raise ScriptShapeError("checkpoint too short", "checkpoint")
    magic, count, steps_done, crc = HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise ScriptShapeError("not a microgpt checkpoint", "checkpoint")
    if len(blob) != HEADER.size + 3 * 8 * count:
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
    return arrays[0], arrays[1], arrays[2], steps_done


def _little_endian(a):
    if sys.byteorder == "big":
        a = array("d", a)
        a.byteswap()
    return a.tobytes()
