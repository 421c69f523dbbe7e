"""Typed functions generated from the C++ method declarations.

Every registered method (graphclust/methods/registry.hpp) arrives here with its options (names,
types, defaults read from the C++ Options{}, domains, help) and its result fields. From them this
module builds, once at import:

* one function per C++ function, same name and keyword arguments: spectral_clustering(graph, k, ...),
  approximate_ppr(graph, seeds, ...), ...; its signature and docstring come from the declaration;
* cluster(graph, method, ...) for every partitioning method, as `graphclust cluster --method`;
* local_cluster(graph, seeds, method, ...) and local_clustering(graph, seed_sets, method, ...) for
  every local method, as `graphclust local --method`.

Options not given are not sent, so the C++ defaults apply; values are checked in C++ (ValueError).
"""
import inspect as _inspect

from . import _graphclust

_SPECS = {spec["name"]: spec for spec in _graphclust._methods()}

_P = _inspect.Parameter


def _doc(summary, specs, result_type, result_fields, inputs=""):
    lines = [summary, ""]
    if inputs:
        lines += [inputs, ""]
    if specs:
        lines.append("Options (keyword arguments):")
        for o in specs:
            domain = f", {o['limits']}" if o["limits"] else ""
            choices = f" ({' | '.join(o['choices'])})" if o["choices"] else ""
            lines.append(f"  {o['name']}: {o['type']}{choices} = {o['default']!r}{domain}. {o['help']}")
        lines.append("")
    lines.append(f"Returns a {result_type} with:")
    for name, type_text, help_text in result_fields:
        lines.append(f"  {name} ({type_text}): {help_text}")
    return "\n".join(lines)


def _make_function(spec):
    """The typed function of one registry entry, with a real signature (help(), IDEs, inspect)."""
    name = spec["name"]
    params = [_P("graph", _P.POSITIONAL_OR_KEYWORD)]
    if spec["takes_seeds"]:
        params.append(_P("seeds", _P.POSITIONAL_OR_KEYWORD))
    for what in ("features", "labels"):
        if spec[what] == "required":
            params.append(_P(what, _P.POSITIONAL_OR_KEYWORD))
    options = list(spec["options"])
    if spec["kind"] == "partition" and options and options[0]["name"] == "k":
        params.append(_P("k", _P.POSITIONAL_OR_KEYWORD, default=options[0]["default"]))
        options = options[1:]
    for what in ("features", "labels"):
        if spec[what] == "optional":
            params.append(_P(what, _P.KEYWORD_ONLY, default=None))
    params += [_P(o["name"], _P.KEYWORD_ONLY, default=o["default"]) for o in options]
    params.append(_P("verbose", _P.KEYWORD_ONLY, default=False))
    signature = _inspect.Signature(params)
    fixed = {"graph", "seeds", "features", "labels", "verbose"}

    def function(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        given = dict(bound.arguments)  # only what the caller passed: C++ supplies the defaults
        return _graphclust._run(name, given["graph"], given.get("seeds"), given.get("features"),
                                given.get("labels"), {k: v for k, v in given.items() if k not in fixed},
                                bool(given.get("verbose", False)))

    function.__name__ = function.__qualname__ = spec["function"]
    function.__signature__ = signature
    function.__doc__ = _doc(spec["summary"], spec["options"], spec["result_type"], spec["result_fields"])
    function.__module__ = "graphclust"
    return function


def _kind(kind):
    return {n: s for n, s in _SPECS.items() if s["kind"] == kind}


_PARTITION = _kind("partition")
_LOCAL = _kind("local")


def _method_doc(methods):
    return "\n".join(f"  {n}: {s['summary']} -> {s['result_type']}; options: "
                     f"{', '.join(o['name'] for o in s['options']) or 'none'}" for n, s in sorted(methods.items()))


def _lookup(methods, method):
    if method not in methods:
        raise ValueError(f"unknown method '{method}' (known: {', '.join(sorted(methods))})")
    return methods[method]


def cluster(graph, method, *, features=None, verbose=False, **options):
    _lookup(_PARTITION, method)
    return _graphclust._run(method, graph, None, features, None, options, bool(verbose))


def local_cluster(graph, seeds, method="ppr", *, features=None, labels=None, verbose=False, **options):
    _lookup(_LOCAL, method)
    return _graphclust._run(method, graph, seeds, features, labels, options, bool(verbose))


def local_clustering(graph, seed_sets, method="ppr", *, features=None, labels=None, verbose=False, **options):
    _lookup(_LOCAL, method)
    return _graphclust._run_many(method, graph, seed_sets, features, labels, options,
                                 bool(verbose))


cluster.__doc__ = ("Partition `graph` with a registered method (as `graphclust cluster --method`); keyword "
                   "arguments are the method's options and the result is the method's result object.\n\n"
                   "Methods:\n" + _method_doc(_PARTITION))
local_cluster.__doc__ = ("A cluster around `seeds` (ids or names) with a local method (as `graphclust local "
                         "--method`); returns a LocalCluster. features= for wfd, labels= (1 = believed in the "
                         "cluster) for noisy.\n\nMethods:\n" + _method_doc(_LOCAL))
local_clustering.__doc__ = ("local_cluster for many seed sets at once, in parallel (one seed set = an int, a name "
                            "or a list); a list of LocalCluster, identical for every thread count.\n\nMethods:\n"
                            + _method_doc(_LOCAL))


def methods():
    """{name: summary} of every partitioning method usable with cluster()."""
    return {n: s["summary"] for n, s in sorted(_PARTITION.items())}


def local_methods():
    """{name: summary} of every local method usable with local_cluster()."""
    return {n: s["summary"] for n, s in sorted(_LOCAL.items())}


def method_options(method):
    """The declared options of a method: a list of dicts with name, type, default, choices, limits, help."""
    return list(_lookup(_SPECS, method)["options"])


FUNCTIONS = {}
for _spec in _SPECS.values():
    if _spec["kind"] != "local" and _spec["function"] not in FUNCTIONS:
        FUNCTIONS[_spec["function"]] = _make_function(_spec)
