"""Turn what the script's frames hold into plain data for the page, cheaply.

Values become their float data, lists stay lists (so the KV cache reads as layers of positions
of vectors), numbers and strings pass through, anything else becomes a short type tag.
"""

# A local bigger than this many numbers is summarised by its shape: the page wants to see that
# a weight matrix went in, not to receive all of it at every call of linear().
MAX_NUMBERS = 20000


def make_converter(value_cls):
    def conv(obj):
        t = type(obj)
        if t is value_cls:
            return obj.data
        if t is int or t is float or t is bool or t is str or obj is None:
            return obj
        if t is list or t is tuple:
            if obj and type(obj[0]) is value_cls:
                try:
                    return [v.data for v in obj]
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


def params_fingerprint(ns):
    """A hash of every parameter's data: changes when a training step or an import moves them.

    Caches of model outputs are keyed by it; hashing ~4k floats costs well under a millisecond.
    """
    params = ns.get("params")
    if not isinstance(params, list):
        return None
    return hash(tuple(getattr(p, "data", None) for p in params))
