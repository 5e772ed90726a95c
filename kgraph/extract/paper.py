"""One paper in, its facts out: a pure function of the paper, safe for process pools."""

from __future__ import annotations

from kgraph.extract.evidence import clean_name
from kgraph.extract.names import is_generic
from kgraph.extract.pipeline import build_nlp
from kgraph.model import Extraction, Paper


def extract_paper(paper: Paper, disabled: tuple[str, ...] = ()) -> Extraction:
    """Read proposed methods, benchmarks, baselines, metrics, organizations and claims from one paper,
    with the rules named in ``disabled`` switched off."""
    nlp = build_nlp(disabled)
    doc = nlp.make_doc(paper.abstract)
    doc._.kgraph = {"title": paper.title}
    for _, component in nlp.pipeline:
        doc = component(doc)
    facts = doc._.kgraph
    return Extraction(
        paper_key=paper.key,
        proposed=facts["proposed"],
        benchmarks=facts["benchmarks"],
        baselines=facts["baselines"],
        metrics=facts["metrics"],
        organizations=facts["organizations"],
        claims=facts["claims"],
        abbreviations=[(clean_name(s.text), clean_name(l.text))
                       for s, l in zip(doc.spans["abbr_short"], doc.spans["abbr_long"], strict=True)
                       if not is_generic(s.text)],
    )
