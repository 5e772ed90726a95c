"""kgraph: machine-learning paper abstracts to a knowledge graph of who beats whom.

From Python (see :mod:`kgraph.api`; tables are pandas DataFrames)::

    import kgraph
    kg = kgraph.load("outputs")          # a build folder, or its papers.jsonl
    kg.claims()                          # every claim: winner, loser, benchmark, metric, margin, paper, ...
    kg.papers()                          # every paper and how many claims it states
    kg.query("who-beats", method="vLLM") # a canned query (kgraph.canned_queries() lists them)
    kg.query("SELECT ...")               # or your own SPARQL

The names are imported on first use, so ``import kgraph`` (and the command line) stay light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Build", "canned_queries", "load"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kgraph import api

        return getattr(api, name)
    raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
