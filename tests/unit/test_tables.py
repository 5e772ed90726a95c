"""The tables everything else is derived from agree with the ontology, and with each other."""

from __future__ import annotations

import importlib.util
import json
from importlib.resources import files

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from kgraph import cli
from kgraph.build import engine
from kgraph.build.turtle_blocks import TURTLE_PREFIXES
from kgraph.model import Extraction
from kgraph.query.export import EXPORT_FORMATS
from kgraph.query.results import RESULT_FORMATS
from kgraph.query.sparql import ENGINES
from kgraph.rdf.namespace import DATA, DATA_PREFIXES, KG, PREFIXES
from kgraph.rdf.serialize import FORMATS, to_rdf
from kgraph.rdf.triples import MENTION_RELATIONS, NODE_CLASSES
from kgraph.schema import ENTITY_KINDS, KIND_NAMES, MENTION_FIELDS, MENTION_ROLES, NODE_TYPES, PAPER_TYPE


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(data=(files("kgraph.ontology") / "kgraph.ttl").read_text("utf-8"), format="turtle")


def test_every_kind_has_its_class_in_the_ontology(ontology):
    for node_type in (PAPER_TYPE, *(kind.node_type for kind in ENTITY_KINDS)):
        assert (URIRef(KG[node_type]), RDF.type, OWL.Class) in ontology, node_type


def test_every_mention_role_has_its_property_and_a_kind(ontology):
    for role in MENTION_ROLES:
        assert (URIRef(KG[role.property]), RDF.type, OWL.ObjectProperty) in ontology, role
        assert role.kind in KIND_NAMES, role
    assert [role.field for role in MENTION_ROLES] == list(MENTION_FIELDS)
    mention_lists = [name for name in Extraction.__dataclass_fields__ if name not in ("paper_key", "claims",
                                                                                      "abbreviations")]
    assert sorted(mention_lists) == sorted(MENTION_FIELDS)  # every list of mentions has its role


def test_derived_tables_follow_the_kinds_and_roles():
    assert set(NODE_CLASSES) == {PAPER_TYPE, *NODE_TYPES.values()}
    assert {edge: node.value for edge, node in MENTION_RELATIONS.items()} == {
        role.edge: f"{KG}{role.property}" for role in MENTION_ROLES}
    assert set(KIND_NAMES) < set(DATA_PREFIXES)
    assert all(PREFIXES[prefix] == f"{DATA}{prefix}/" for prefix in DATA_PREFIXES)


def test_the_prefix_table_is_the_published_context_and_graph_ttl_header():
    context = json.loads((files("kgraph.ontology") / "context.jsonld").read_text("utf-8"))["@context"]
    assert {prefix: context[prefix] for prefix in PREFIXES} == PREFIXES
    assert TURTLE_PREFIXES == "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(PREFIXES.items())) + "\n"
    bound = {prefix: str(iri) for prefix, iri in to_rdf(__import__("networkx").MultiDiGraph()).namespaces()}
    assert {prefix: bound[prefix] for prefix in PREFIXES} == PREFIXES


def test_the_command_line_offers_the_tables_choices():
    subcommands = cli.parser()._subparsers._group_actions[0].choices
    options = {(name, action.dest): action.choices for name, sub in subcommands.items() for action in sub._actions}
    assert tuple(options[("export", "format")]) == EXPORT_FORMATS == (*FORMATS, "graphml")
    assert tuple(options[("query", "format")]) == RESULT_FORMATS
    assert tuple(options[("query", "engine")]) == tuple(ENGINES)


def test_modules_named_as_strings_exist():
    """The fork server preloads modules by name, skipping silently a name it cannot import."""
    for name in engine.PRELOAD:
        assert importlib.util.find_spec(name) is not None, name
