"""Extraction: one paper in, its facts out (``kgraph.extract.paper.extract_paper``).

This package's own module only names the extractor's version, and imports no spaCy (over a
second to import): a build whose workers extract, or that extracts nothing, never loads it.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from pathlib import Path

__all__ = ["extractor_version"]


@functools.cache
def extractor_version() -> str:
    """A digest of the extractor's code and vocabularies: any change to them invalidates cached results."""
    digest = hashlib.sha256()
    vocab = resources.files("kgraph.ontology") / "vocab"
    sources = sorted(Path(__file__).parent.glob("*.py")) + sorted(Path(str(vocab)).glob("*.ttl"))
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]
