"""One paper in, its facts out: a pure function of the paper, safe for process pools."""

from __future__ import annotations

from kgraph.extract.claims import find_baselines_and_claims, find_comparisons
from kgraph.extract.evidence import clean_name
from kgraph.extract.mentions import find_benchmarks, find_metrics, find_organizations
from kgraph.extract.names import is_generic
from kgraph.extract.pipeline import build_nlp
from kgraph.extract.proposed import find_proposed
from kgraph.model import Extraction, Paper, normalize_name


def extract_paper(paper: Paper) -> Extraction:
    """Read proposed methods, benchmarks, baselines, metrics, organizations and claims from one paper."""
    doc = build_nlp()(paper.abstract)
    abbreviations = list(zip(doc.spans["abbr_short"], doc.spans["abbr_long"], strict=True))
    proposed, primary = find_proposed(doc, paper.title, abbreviations)
    own = {normalize_name(n) for m in proposed for n in (m.name, *m.aliases)}
    comparisons = find_comparisons(doc)
    compared = {normalize_name(o.text) for c in comparisons for o in c.objects}
    # What a comparison is against is a method, even where a metric has its name ("outperforms MAE")
    metrics = [m for m in find_metrics(doc) if normalize_name(m.name) not in compared]
    benchmarks = find_benchmarks(doc, exclude=own | compared)
    benchmarks += [m for m in proposed if m.kind == "benchmark" and doc.text.count(m.name) > 1
                   and normalize_name(m.name) not in {normalize_name(b.name) for b in benchmarks}]
    baselines, claims = find_baselines_and_claims(doc, comparisons, proposed, primary, benchmarks, metrics)
    not_methods = {normalize_name(m.name) for m in (*benchmarks, *metrics)}
    baselines = [b for b in baselines if normalize_name(b.name) not in not_methods]
    return Extraction(
        paper_key=paper.key,
        proposed=proposed,
        benchmarks=benchmarks,
        baselines=baselines,
        metrics=metrics,
        organizations=find_organizations(doc),
        claims=claims,
        abbreviations=[(clean_name(s.text), clean_name(l.text)) for s, l in abbreviations if not is_generic(s.text)],
    )
