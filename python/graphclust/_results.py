"""Result objects: one class per C++ result struct, with the same field names.

The C++ module builds every result through make(); the classes are created on first use from the
field names the C++ declaration gives, so Python never re-types a field.
"""
import numpy as _np

_classes = {}


class Result:
    """Base of every graphclust result: attribute access, a readable repr, and _asdict()."""

    __slots__ = ()
    _fields = ()

    def __init__(self, **fields):
        for name in self._fields:
            object.__setattr__(self, name, fields[name])

    def _asdict(self):
        return {name: getattr(self, name) for name in self._fields}

    def __repr__(self):
        parts = []
        for name in self._fields:
            value = getattr(self, name)
            if isinstance(value, _np.ndarray):
                parts.append(f"{name}=<{value.dtype} array {value.shape}>")
            else:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def make(type_name, fields):
    key = (type_name, tuple(fields))
    cls = _classes.get(key)
    if cls is None:
        cls = type(type_name, (Result,), {"__slots__": tuple(fields), "_fields": tuple(fields),
                                          "__module__": "graphclust"})
        _classes[key] = cls
    return cls(**fields)
