"""Read and write the model's numbers (params, grads, Adam's m and v) in the script namespace.

Arrays are array.array('d') in the order of the script's `params` list, which is the order
the optimizer walks; Pyodide hands them to JavaScript as Float64Array without copying per item.
"""

from array import array

from .errors import ScriptShapeError


def params_of(ns):
    params = ns.get("params")
    if not isinstance(params, list):
        raise ScriptShapeError("no variable `params` (a list of the model's Values)")
    return params


def data(ns):
    return array("d", [p.data for p in params_of(ns)])


def grads(ns):
    return array("d", [p.grad for p in params_of(ns)])


def adam_moment(ns, name):
    """`m` or `v` as an array; zeros if the script keeps no such list (it still trains)."""
    values = ns.get(name)
    if isinstance(values, list):
        return array("d", values)
    return array("d", bytes(8 * len(params_of(ns))))


def names_shapes(ns):
    """Matrix names and [rows, cols] from `state_dict`, in its own order."""
    state_dict = ns.get("state_dict")
    if not isinstance(state_dict, dict):
        return [], []
    names, shapes = [], []
    for name, mat in state_dict.items():
        names.append(str(name))
        rows = len(mat) if isinstance(mat, list) else 0
        cols = len(mat[0]) if rows and isinstance(mat[0], list) else 0
        shapes.append([rows, cols])
    return names, shapes


def snapshot(ns):
    """Everything a step may change in place, to put back if the step fails halfway."""
    params = params_of(ns)
    saved = {
        "data": array("d", [p.data for p in params]),
        "grad": [p.grad for p in params],
    }
    for name in ("m", "v"):
        if isinstance(ns.get(name), list):
            saved[name] = list(ns[name])
    return saved


def restore(ns, saved):
    params = params_of(ns)
    for p, d, g in zip(params, saved["data"], saved["grad"], strict=True):
        p.data = d
        p.grad = g
    for name in ("m", "v"):
        if name in saved:
            ns[name][:] = saved[name]


def load_state(ns, data_values, m_values, v_values):
    """Set params data, zero grads, and fill m and v (in place, so the script sees them)."""
    params = params_of(ns)
    if len(data_values) != len(params):
        raise ScriptShapeError(
            f"checkpoint has {len(data_values)} params, the script has {len(params)}"
        )
    for p, d in zip(params, data_values, strict=True):
        p.data = d
        p.grad = 0
    for name, values in (("m", m_values), ("v", v_values)):
        if isinstance(ns.get(name), list) and len(ns[name]) == len(values):
            ns[name][:] = list(values)
