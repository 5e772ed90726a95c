"""The incremental and parallel build: everything that exists only so that ``kgraph build`` is fast
on a grown input and on many cores. It imports the stages; no stage imports it."""

from kgraph.build.run import BuildReport, Limits, build, saved_digests, unchanged_build
from kgraph.build.unchanged import request

__all__ = ["BuildReport", "Limits", "build", "request", "saved_digests", "unchanged_build"]
