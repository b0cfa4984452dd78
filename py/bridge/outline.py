"""Name the data flow of one traced model call: which statement embeds, attends, mixes in the MLP
or makes the output, in which layer and for which head, from what the statements did.

Input: a call record of trace.py, its events in time order. Each line event has `facts`:
`lookup` (its result is a row of a parameter matrix), `op` (the operation that made its numbers),
`weights` (its result is a distribution over the positions so far: attention weights) and
`calls` (the leaf functions it called, with the matrix each was given).

  anchors      the attention-weights statements
  layer loop   the outermost `for` of the model function whose body was running when an anchor
               happened: one iteration per layer. Before it: embedding; after it: output.
  segments     inside a layer, the statements up to the anchors and on to the first residual add
               after them (an element-wise sum with a vector the frame still holds) are attention;
               the rest are the MLP. A frame with no anchors of its own (an `MLP.__call__`) takes
               the flow of the statement that called it.
  heads        the iterations of the innermost loop around the anchor (or, without one, the order
               of the anchors in the layer)

`annotate(call, k, tracer)` adds `flow`, `layer`, `head` to each event and sets call["outline"]
(the distinct statements of the first layer and head, in order, for the block diagram) and
call["layers"] ({count, heads}).
"""

import ast

from . import codes

FLOWS = ("embed", "attn", "mlp", "out", "layer", "plain")


def annotate(call, k, tracer):
    events = call["events"]
    if not events:
        call["outline"], call["layers"] = [], {"count": 0, "heads": 0}
        return
    tree = tracer.tree
    model_frame = events[0]["frame"]
    model_node = codes.function_node(tree, tracer.model.code)
    frames = _frames(events)
    loops = _loops(model_node)
    anchors = [i for i, e in enumerate(events) if e.get("facts", {}).get("weights")]
    owner = _model_statement(events, model_frame)
    layer_loop = _layer_loop(loops, [events[owner[i]]["line"] for i in anchors if owner[i] is not None])
    _model_flow(events, model_frame, owner, layer_loop, tracer)
    _segments(events, frames, anchors, model_frame)
    _heads(events, anchors, tree, tracer)
    _loop_headers(events, model_frame, layer_loop, anchors, tree, tracer)
    _lookups(events, call, tracer)
    call["layers"] = {
        "count": 1 + max((e.get("layer", 0) or 0) for e in events) if layer_loop or anchors else 0,
        "heads": _heads_per_layer(events, anchors),
    }
    call["outline"] = _outline(events, tracer)


def _frames(events):
    """frame id -> {parent frame, events of that frame in order}."""
    out = {}
    for i, e in enumerate(events):
        info = out.setdefault(e["frame"], {"parent": e["parent"], "events": []})
        info["events"].append(i)
    return out


def _loops(func_node):
    if func_node is None or isinstance(func_node, ast.Lambda):
        return []
    return [n for n in ast.walk(func_node) if isinstance(n, ast.For)]


def _model_statement(events, model_frame):
    """For each event, the index of the model frame's statement it happened within (the next
    line event of the model frame: a statement reports when it is done)."""
    owner = [None] * len(events)
    pending = []
    for i, e in enumerate(events):
        if e["frame"] == model_frame and e["event"] == "line":
            for j in pending:
                owner[j] = i
            pending = []
            owner[i] = i
        else:
            pending.append(i)
    return owner


def _layer_loop(loops, anchor_lines):
    """The outermost loop of the model whose body holds a line where an anchor happened."""
    best = None
    for loop in loops:
        first, last = loop.body[0].lineno, loop.body[-1].end_lineno
        if any(first <= line <= last for line in anchor_lines):
            if best is None or loop.lineno < best.lineno:
                best = loop
    return best


def _model_flow(events, model_frame, owner, layer_loop, tracer):
    """embed / layer / out for the model frame's statements, and the layer index of each event."""
    layer = -1
    for e in events:
        if e["frame"] != model_frame or e["event"] != "line":
            continue
        line = e["line"]
        if layer_loop is None:
            e["flow"] = "plain"
        elif line == layer_loop.lineno:
            if e.get("changed"):  # the header binds the next item (not its final, empty check)
                layer += 1
            e["flow"] = "layer"
        elif line < layer_loop.lineno:
            e["flow"] = "embed"
        elif line > layer_loop.end_lineno:
            e["flow"] = "out"
        else:
            e["flow"] = "layer"
        e["layer"] = layer if layer >= 0 and e["flow"] == "layer" else None
    for i, e in enumerate(events):
        j = owner[i]
        if j is not None and j != i:
            e.setdefault("flow", events[j].get("flow", "plain"))
            e.setdefault("layer", events[j].get("layer"))
        e.setdefault("flow", "plain")
        e.setdefault("layer", None)
    # The statement that makes the model's result is the output, even without a layer loop.
    returned = next((e for e in reversed(events) if e["event"] == "return"
                     and e["frame"] == model_frame), None)
    if returned is not None:
        for e in reversed(events):
            if e["frame"] == model_frame and e["event"] == "line":
                if e["flow"] in ("plain", "out"):
                    e["flow"] = "out"
                break
    for e in events:
        facts = e.get("facts", {})
        if e["flow"] == "plain" and "lookup" in facts:
            e["flow"] = "embed"


def _segments(events, frames, anchors, model_frame):
    """attention / MLP inside the layers, frame by frame (see the module's docstring)."""
    anchor_set = set(anchors)
    carries = {}  # event index -> holds an anchor (itself or in frames it called)

    def frame_has_anchor(fid):
        return any(i in anchor_set or carries.get(i) for i in frames[fid]["events"])

    # Children report before the statement that called them: walk forwards, mark callers.
    child_frames = {}
    for fid, info in frames.items():
        if info["parent"] is not None:
            child_frames.setdefault(info["parent"], []).append(fid)
    caller = {}  # child frame id -> index of the parent's statement that called it
    for fid, info in frames.items():
        parent = info["parent"]
        if parent in frames:
            first = info["events"][0]
            caller[fid] = next((i for i in frames[parent]["events"] if i > first
                                and events[i]["event"] == "line"), None)
    for fid, c in caller.items():
        if c is not None:
            for i in frames[fid]["events"]:
                events[i]["caller"] = c
    for fid in sorted(frames, key=lambda f: _depth(events, frames, f), reverse=True):
        has = frame_has_anchor(fid)
        c = caller.get(fid)
        if c is not None and has:
            carries[c] = True
    for fid in sorted(frames, key=lambda f: _depth(events, frames, f)):
        info = frames[fid]
        lines = [i for i in info["events"] if events[i]["event"] == "line"]
        if fid == model_frame:
            _split_layers(events, lines, anchor_set, carries)
            continue
        if not any(i in anchor_set or carries.get(i) for i in lines):
            flow = events[caller[fid]]["flow"] if caller.get(fid) is not None else "plain"
            for i in info["events"]:
                if events[i]["flow"] in ("layer", "plain") or flow in ("attn", "mlp"):
                    events[i]["flow"] = flow
            continue
        _split(events, lines, anchor_set, carries)
        for i in info["events"]:
            if events[i]["event"] != "line":
                events[i]["flow"] = events[lines[0]]["flow"] if lines else "attn"
    # A model statement whose frames hold both attention and MLP is a whole layer.
    for fid, info in frames.items():
        c = caller.get(fid)
        if c is None:
            continue
        kinds = {events[i]["flow"] for i in info["events"]} & {"attn", "mlp"}
        if len(kinds) == 2:
            events[c]["flow"] = "layer"


def _depth(events, frames, fid):
    return events[frames[fid]["events"][0]]["depth"]


def _split_layers(events, lines, anchor_set, carries):
    """The model frame: split each layer iteration (same `layer` index) on its own."""
    groups = {}
    for i in lines:
        if events[i]["flow"] == "layer" and events[i]["layer"] is not None:
            groups.setdefault(events[i]["layer"], []).append(i)
    for group in groups.values():
        body = group[1:]  # the loop header starts the iteration
        if any(i in anchor_set or carries.get(i) for i in body):
            _split(events, body, anchor_set, carries)


def _split(events, lines, anchor_set, carries):
    """Attention up to the anchors and on to the next residual add, MLP after. Without a
    residual add: a frame where attention happens in its own statements is all attention (an
    attention function); one that calls attention (a block) has the MLP after that call."""
    marked = [k for k, i in enumerate(lines) if i in anchor_set or carries.get(i)]
    if not marked:
        return
    last = marked[-1]
    end = next((k for k in range(last, len(lines)) if events[lines[k]].get("facts", {})
                .get("residual")), None)
    if end is None:
        direct = any(lines[k] in anchor_set for k in marked)
        end = len(lines) - 1 if direct else last
    for k, i in enumerate(lines):
        events[i]["flow"] = "attn" if k <= end else "mlp"


def _heads(events, anchors, tree, tracer):
    """The head of each event of an attention head: the iteration of the innermost loop around
    the anchor in its frame; without such a loop, the anchor's order in its layer, for every
    event of its frame."""
    per_layer = {}
    for i in anchors:
        per_layer.setdefault(events[i]["layer"], []).append(i)
    for layer_anchors in per_layer.values():
        for h, i in enumerate(layer_anchors):
            events[i]["head"] = h
        frames = {}
        for i in layer_anchors:
            frames.setdefault(events[i]["frame"], []).append(i)
        for frame, found in frames.items():
            loop = _head_loop(events[found[0]], tree, tracer)
            first_head = events[found[0]]["head"]
            if loop is None:
                if len(found) == 1:
                    for e in events:
                        if e["frame"] == frame:
                            e["head"] = first_head
                continue
            head = first_head - 1
            layer = events[found[0]]["layer"]
            for e in events:
                if e["frame"] != frame or e["event"] != "line" or e["layer"] != layer:
                    continue
                if e["line"] == loop.lineno and e.get("changed"):
                    head += 1
                if loop.lineno <= e["line"] <= loop.end_lineno and head >= first_head:
                    e["head"] = head
    for e in events:
        e.setdefault("head", None)


def _head_loop(event, tree, tracer):
    """The innermost `for` of the event's function that contains its line."""
    for code, name in tracer.funcs.items():
        if name == event["func"]:
            node = codes.function_node(tree, code)
            loops = [n for n in ast.walk(node) if isinstance(n, ast.For)
                     and n.lineno <= event["line"] <= n.end_lineno] if node is not None else []
            return max(loops, key=lambda n: n.lineno) if loops else None
    return None


def _loop_headers(events, model_frame, layer_loop, anchors, tree, tracer):
    """Mark the `for` lines that repeat a layer ("layer") or a head ("head")."""
    heads = {}
    for i in anchors:
        loop = _head_loop(events[i], tree, tracer)
        if loop is not None and loop is not layer_loop:
            heads[(events[i]["func"], loop.lineno)] = True
    for e in events:
        if e["event"] != "line":
            continue
        if layer_loop is not None and e["frame"] == model_frame and e["line"] == layer_loop.lineno:
            e["loop"] = "layer"
        elif (e["func"], e["line"]) in heads:
            e["loop"] = "head"


def _heads_per_layer(events, anchors):
    counts = {}
    for i in anchors:
        counts[events[i]["layer"]] = counts.get(events[i]["layer"], 0) + 1
    return max(counts.values()) if counts else 0


def _lookups(events, call, tracer):
    args = call["raw_args"]
    model = tracer.model
    token = args[model.token_arg] if model.token_arg is not None else None
    pos = args[model.pos_arg] if model.pos_arg is not None else None
    for e in events:
        facts = e.get("facts", {})
        found = [facts["lookup"]] if "lookup" in facts else []
        found += [c["lookup"] for c in e.get("calls", []) if "lookup" in c]
        for lookup in found:
            row = lookup["row"]
            lookup["by"] = "token" if row == token else "position" if row == pos else None
        if found:
            e["lookups"] = found
            if e.get("flow") in ("plain", "layer"):
                e["flow"] = "embed"


def _outline(events, tracer):
    """The distinct statements of the call, in first-seen order, with what each did (first layer
    and first head only: the others repeat them)."""
    lines = tracer.roles.runner.source.splitlines()
    seen, out = {}, []
    for e in events:
        if e["event"] != "line":
            continue
        key = (e["func"], e["line"])
        if key in seen:
            continue
        if (e.get("layer") or 0) > 0 or (e.get("head") or 0) > 0:
            continue
        facts = e.get("facts", {})
        text = lines[e["line"] - 1].strip() if 0 < e["line"] <= len(lines) else ""
        item = {"func": e["func"], "line": e["line"], "depth": e["depth"], "flow": e["flow"],
                "text": text, "in_layer": e.get("layer") is not None,
                "in_head": e.get("head") is not None,
                "matrices": [c["matrix"] for c in e.get("calls", []) if c.get("matrix")],
                "calls": [c["func"] for c in e.get("calls", [])],
                "lookups": e.get("lookups", [])}
        if e.get("loop"):
            item["loop"] = e["loop"]
        if e.get("caller") is not None:  # a statement of a function this statement called
            c = events[e["caller"]]
            item["caller"] = [c["func"], c["line"]]
        for key_ in ("op", "size", "weights", "residual", "copy", "slice"):
            if key_ in facts:
                item[key_] = facts[key_]
        seen[key] = len(out)
        out.append(item)
    return out
