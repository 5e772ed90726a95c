"""SHACL validation on Oxigraph: the shapes compiled to SPARQL, one query per constraint.

pyshacl checks a graph focus node by focus node, in Python: 1 min 46 s for a 15k-triple build
with ``ontology/shapes.ttl``. Here each constraint of a shape becomes one SPARQL query that
finds all its violations at once (a ``sh:minCount`` is a GROUP BY, a ``sh:sparql`` constraint
runs once with ``$this`` joined to the shape's targets), which Oxigraph answers in time linear in
the graph. The shapes may use the targets and constraint components listed in ``_COMPONENTS``,
``_TARGETS`` and ``_SHAPE_KEYS``, with predicate paths: anything else is refused
(``UnsupportedShape``), never ignored, so that a shape kgraph cannot check is not reported
as met.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib.resources import files

import pyoxigraph as ox
from rdflib import RDF, RDFS, SH, Graph, Literal, Node, URIRef
from rdflib.collection import Collection

from kgraph.errors import InputError

_TYPE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
_TYPE = f"<{RDF.type}>"  # the same, for data that declares no subclasses (kgraph's: their triples are written out)
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})", SH.IRIOrLiteral: "!isBlank({v})",
}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
# Keys of a shape that are not constraints (read elsewhere, or only words for people).
_SHAPE_KEYS = {RDF.type, RDFS.comment, RDFS.label, SH.property, SH.path, SH.message, SH.name, SH.description,
               SH.severity, SH.deactivated, *_TARGETS}


class UnsupportedShape(ValueError):
    """A shape that uses what this validator cannot check."""


@dataclass(frozen=True)
class Violation:
    shape: str  # the node shape's IRI (or its blank node's id)
    focus: str  # the focus node, as N-Triples
    path: str | None  # the property path, for a property shape
    component: str  # the constraint, e.g. "minCount 1" or the sh:sparql message

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.focus}{where}: {self.component} ({self.shape})"


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"a blank node where a value is expected: {node}")


def _focus(shapes: Graph, shape: Node) -> str:
    """A graph pattern binding ?this to each focus node of ``shape``."""
    patterns = []
    for cls in shapes.objects(shape, SH.targetClass):
        patterns.append(f"?this {_TYPE_OF} {_term(cls)} .")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        patterns.append(f"?this {_term(prop)} [] .")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        patterns.append(f"[] {_term(prop)} ?this .")
    for node in shapes.objects(shape, SH.targetNode):
        patterns.append(f"VALUES ?this {{ {_term(node)} }}")
    return " UNION ".join(f"{{ SELECT DISTINCT ?this WHERE {{ {p} }} }}" for p in patterns)


def _value_condition(shapes: Graph, key: Node, value: Node, v: str) -> str | None:
    """A SPARQL expression that holds when the value node ``v`` meets the constraint, or None
    when ``key`` is not a constraint on one value."""
    if key == SH.datatype:
        return f"(isLiteral({v}) && datatype({v}) = {_term(value)})"
    if key == SH.nodeKind:
        return _NODE_KINDS[value].format(v=v)
    if key == SH["class"]:
        return f"EXISTS {{ {v} {_TYPE_OF} {_term(value)} }}"
    if key in (SH.minLength, SH.maxLength):
        op = ">=" if key == SH.minLength else "<="
        return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(value)})"
    if key == SH.pattern:  # (a shape with sh:flags is refused: the key is not one this checks)
        return f"(!isBlank({v}) && REGEX(STR({v}), {Literal(str(value)).n3()}))"
    bounds = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
    if key in bounds:
        return f"COALESCE({v} {bounds[key]} {_term(value)}, false)"
    if key == SH["in"]:
        return f"({v} IN ({', '.join(_term(item) for item in Collection(shapes, value))}))"
    if key == SH["or"]:
        return "(" + " || ".join(_all_of(shapes, member, v) for member in Collection(shapes, value)) + ")"
    return None


def _name(shapes: Graph, key: Node, value: Node) -> str:
    """A constraint as people read it: ``minCount 1``, ``in (kg:abstract dcterms:title)``."""
    def show(node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        if isinstance(node, URIRef):
            return node.n3(shapes.namespace_manager)
        return "(" + " ".join(show(item) for item in Collection(shapes, node)) + ")" if key != SH["or"] else "(...)"

    return f"{key.removeprefix(str(SH))} {show(value)}"


def _all_of(shapes: Graph, shape: Node, v: str) -> str:
    """The value-level constraints of an inline shape (an ``sh:or`` member), all met."""
    conditions = []
    for key, value in shapes.predicate_objects(shape):
        if key in _SHAPE_KEYS - {SH.property, SH.path}:
            continue
        if (condition := _value_condition(shapes, key, value, v)) is None:
            raise UnsupportedShape(f"cannot check {key} inside sh:or")
        conditions.append(condition)
    return "(" + " && ".join(conditions or ["true"]) + ")"


@dataclass(frozen=True)
class Check:
    shape: str
    path: str | None
    component: str
    query: str  # a SELECT of ?this: each focus node that violates it


def _property_checks(shapes: Graph, shape: str, focus: str, prop: Node, prefixes: str) -> Iterator[Check]:
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShape(f"only predicate paths are supported, not {path!r}")
    p = f"<{path}>"
    for key, value in sorted(shapes.predicate_objects(prop)):
        if key in _SHAPE_KEYS:
            continue
        name = _name(shapes, key, value)
        if key == SH.minCount:
            where = (f"{focus} OPTIONAL {{ ?this {p} ?v }} }} GROUP BY ?this "
                     f"HAVING (COUNT(DISTINCT ?v) < {int(value)})")
        elif key == SH.maxCount:
            where = f"{focus} ?this {p} ?v }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(value)})"
        elif key == SH.disjoint:
            where = f"{focus} ?this {p} ?v . ?this {_term(value)} ?v }}"
        elif key == SH.equals:
            q = _term(value)
            where = (f"{focus} {{ ?this {p} ?v FILTER NOT EXISTS {{ ?this {q} ?v }} }} UNION "
                     f"{{ ?this {q} ?v FILTER NOT EXISTS {{ ?this {p} ?v }} }} }}")
        elif key in (SH.lessThan, SH.lessThanOrEquals):
            op = "<" if key == SH.lessThan else "<="
            where = f"{focus} ?this {p} ?v . ?this {_term(value)} ?w FILTER (!COALESCE(?v {op} ?w, false)) }}"
        elif (condition := _value_condition(shapes, key, value, "?v")) is not None:
            where = f"{focus} ?this {p} ?v FILTER (!{condition}) }}"
        else:
            raise UnsupportedShape(f"cannot check {key} on a property")
        yield Check(shape, str(path), name, f"{prefixes}SELECT DISTINCT ?this WHERE {{ {where}")


def _node_checks(shapes: Graph, shape: str, node: Node, focus: str, prefixes: str) -> Iterator[Check]:
    for key, value in sorted(shapes.predicate_objects(node)):
        if key in _SHAPE_KEYS:
            continue
        if key == SH.sparql:
            select = str(shapes.value(value, SH.select)).replace("$this", "?this")
            message = str(shapes.value(value, SH.message) or "sh:sparql")
            yield Check(shape, None, message,
                         f"{prefixes}SELECT DISTINCT ?this WHERE {{ {focus} {{ {select} }} }}")
        elif (condition := _value_condition(shapes, key, value, "?this")) is not None:
            name = _name(shapes, key, value)
            yield Check(shape, None, name, f"{prefixes}SELECT DISTINCT ?this WHERE {{ {focus} FILTER (!{condition}) }}")
        else:
            raise UnsupportedShape(f"cannot check {key} on a node shape")


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every constraint of the node shapes as a SPARQL query (raises UnsupportedShape)."""
    prefixes = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                       for d in sorted(shapes.objects(None, SH.declare)))
    checks = []
    for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        focus = _focus(shapes, node)
        if not focus or (node, SH.deactivated, Literal(True)) in shapes:
            continue
        checks += _node_checks(shapes, str(node), node, focus, prefixes)
        for prop in shapes.objects(node, SH.property):
            checks += _property_checks(shapes, str(node), focus, prop, prefixes)
    return checks


def store_checks(store: ox.Store, shapes: Graph) -> list[Check]:
    """The shapes' queries for this store: without following ``rdfs:subClassOf`` when it declares none."""
    checks = compile_shapes(shapes)
    if not store.query(f"ASK {{ ?a <{RDFS.subClassOf}> ?b }}"):
        checks = [replace(check, query=check.query.replace(_TYPE_OF, _TYPE)) for check in checks]
    return checks


def violations(store: ox.Store, check: Check, limit: int | None = None) -> list[Violation]:
    """One constraint's violations, in focus order (at most ``limit``, when given)."""
    end = f" ORDER BY ?this LIMIT {limit}" if limit else " ORDER BY ?this"
    return [Violation(check.shape, str(row["this"]), check.path, check.component)
            for row in store.query(check.query + end)]


def validate(store: ox.Store, shapes: Graph, limit: int | None = None) -> list[Violation]:
    """The violations of ``shapes`` in the store's default graph, each constraint's in focus order
    (at most ``limit`` per constraint when given). The queries run in threads (Oxigraph works
    off the GIL), one per core."""
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        found = pool.map(lambda check: violations(store, check, limit), store_checks(store, shapes))
        return [violation for violations_of_one in found for violation in violations_of_one]


def read_shapes(path: str | None = None) -> Graph:
    """The shapes of ``path`` (Turtle), by default the project's (``ontology/shapes.ttl``);
    an unreadable file, or one holding a shape this cannot check, is an InputError."""
    try:
        if path is None:
            shapes = Graph().parse(data=(files("kgraph.ontology") / "shapes.ttl").read_text("utf-8"), format="turtle")
        else:
            shapes = Graph().parse(path, format="turtle")
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None
    except Exception as error:  # rdflib's parsers raise many kinds
        raise InputError(str(path), f"not valid Turtle: {str(error).splitlines()[0] if str(error) else error}") from None
    try:
        compile_shapes(shapes)
    except (UnsupportedShape, ValueError, KeyError) as error:
        raise InputError(str(path or "ontology/shapes.ttl"), f"cannot check these shapes: {error}") from None
    return shapes
