"""Turn what the script's frames hold into plain data for the page, cheaply.

Values become their float data, lists stay lists (so the KV cache reads as layers of positions
of vectors), numbers and strings pass through, anything else becomes a short type tag.
"""

# A local bigger than this many numbers is summarised by its shape: the page wants to see that
# a weight matrix went in, not to receive all of it at every call of linear().
MAX_NUMBERS = 20000


def make_converter(nodes):
    """A function turning what a frame holds into plain data; `nodes` is the autograd type."""
    value_cls, data = nodes.cls, nodes.data

    def conv(obj):
        t = type(obj)
        if t is value_cls:
            return getattr(obj, data)
        if t is int or t is float or t is bool or t is str or obj is None:
            return obj
        if t is list or t is tuple:
            if obj and type(obj[0]) is value_cls:
                try:
                    return [getattr(v, data) for v in obj]
                except AttributeError:
                    pass  # mixed list: fall through to the general case
            if count_numbers(obj) > MAX_NUMBERS:
                return {"omitted": t.__name__, "shape": shape(obj)}
            return [conv(v) for v in obj]
        return {"type": t.__name__}

    return conv


def count_numbers(obj):
    if type(obj) not in (list, tuple):
        return 1
    if not obj:
        return 0
    return len(obj) * count_numbers(obj[0])


def shape(obj):
    dims = []
    while type(obj) in (list, tuple):
        dims.append(len(obj))
        if not obj:
            break
        obj = obj[0]
    return dims


def signature(obj):
    """What must stay the same for a list bound to the same name to count as unchanged.

    Values are not mutated during a forward pass, so element identities are enough; nested
    lists also record their length, which catches `keys[li].append(k)`.
    """
    if type(obj) is not list:
        return None
    return tuple((id(e), len(e)) if type(e) is list else id(e) for e in obj)


def model_state(roles):
    """A snapshot of what the model's results depend on, for caches of model outputs.

    That is every global of the script (a reload, an `eval` redefining rmsnorm or n_head, or a
    training step rebinding its loop variables all show up as a changed binding) and the data
    of every parameter (Adam changes them in place). Hashing ~4k floats costs well under 1 ms.
    """
    ns = roles.runner.ns
    names = tuple(k for k in ns if not k.startswith("__"))
    params = roles.params
    data = ()
    if params is not None:
        key = roles.nodes.data
        data = tuple(getattr(p, key) for p in params.nodes_list)
    return names, tuple(ns[k] for k in names), hash(data)


def same_state(a, b):
    """Same bindings (by identity, not equality) and same weight data."""
    if a is None or b is None or a[0] != b[0] or a[2] != b[2]:
        return False
    return all(x is y for x, y in zip(a[1], b[1], strict=True))
