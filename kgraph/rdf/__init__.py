"""The graph as RDF in the kgraph ontology: the concepts here, the implementations in the modules.

- ``namespace``: the ontology's and the data's namespaces, and the one prefix table;
- ``terms``: node IRIs, safe IRIs of links, typed literals;
- ``triples``: the networkx graph as triples (``rdf_triples``);
- ``analysis``: the conflicts and standings of all claims as triples, and a whole graph's triples (``graph_triples``);
- ``serialize``: Turtle, N-Triples and JSON-LD text, serializers found by format name;
- ``graphml``: the networkx graph as GraphML, for Gephi and Cytoscape.
"""

from kgraph.rdf.analysis import graph_triples
from kgraph.rdf.namespace import DATA, KG, PREFIXES
from kgraph.rdf.serialize import FORMATS, serialize, serialize_rdf, to_rdf, write_turtle
from kgraph.rdf.terms import node_iri, node_iri_text, web_iri
from kgraph.rdf.triples import rdf_triples

__all__ = ["DATA", "FORMATS", "KG", "PREFIXES", "graph_triples", "node_iri", "node_iri_text", "rdf_triples", "serialize",
           "serialize_rdf", "to_rdf", "web_iri", "write_turtle"]
