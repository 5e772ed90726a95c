"""Imported by the server that worker processes are forked from (``kgraph.build.engine``): it builds
the extraction pipeline there, once, so that every worker forked from it starts with it built
(building it takes about a second, which a rebuild extracting a few new papers waited for)."""

from kgraph.extract.pipeline import build_nlp

build_nlp()
