"""Extraction: one paper in, its facts out (``kgraph.extract.paper.extract_paper``).

This package's own module only names the extractor's version, and imports no spaCy (over a
second to import): a build whose workers extract, or that extracts nothing, never loads it.
"""

from __future__ import annotations

from kgraph.extract.rules import version as extractor_version

__all__ = ["extractor_version"]
