"""The who-beats-whom explorer page: ``data`` (what it shows), ``layout`` (where), ``page`` (the HTML)."""

from kgraph.viz.page import render_html, write_html

__all__ = ["render_html", "write_html"]
