"""The extraction as spaCy components, each registered with a factory and a config.

Each reads what the components before it left in ``doc._.kgraph`` and adds its own facts there:

    kgraph_proposed      proposed, primary     (needs "title", set by the caller)
    kgraph_comparisons   comparisons
    kgraph_mentions      metrics, benchmarks, organizations
    kgraph_claims        baselines, claims

Every component takes ``disabled``: full rule ids (``claims.comparison-than``, ``proposed.our-name``,
see ``rules.toml``) whose facts it does not make, so a rule can be switched off and the rest scored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.language import Language
from spacy.tokens import Doc

from kgraph.extract.evidence import text_of
from kgraph.extract.claims import find_baselines_and_claims, find_comparisons
from kgraph.extract.mentions import find_benchmarks, find_metrics, find_organizations
from kgraph.extract.proposed import find_proposed
from kgraph.extract.rules import rules
from kgraph.model import normalize_name

Doc.set_extension("kgraph", default=None, force=True)
FIELDS = {"proposed": ("proposed",), "comparisons": ("claims",), "mentions": ("metrics", "benchmarks", "organizations"),
          "claims": ("baselines", "claims")}


class _Component:
    """A component that switches off the rules of its fields named in ``disabled``."""

    fields: tuple[str, ...] = ()

    def __init__(self, disabled: Iterable[str]) -> None:
        unknown = set(disabled) - set(rules())
        if unknown:
            raise ValueError(f"unknown rule ids: {', '.join(sorted(unknown))} (see kgraph/extract/rules.toml)")
        self.off = {field: frozenset(r.split(".", 1)[1] for r in disabled if r.split(".", 1)[0] == field)
                    for field in self.fields}


class ProposedComponent(_Component):
    fields = FIELDS["proposed"]

    def __call__(self, doc: Doc) -> Doc:
        if doc._.kgraph is None:  # nlp(text) without a title
            doc._.kgraph = {"title": ""}
        facts = doc._.kgraph
        abbreviations = list(zip(doc.spans["abbr_short"], doc.spans["abbr_long"], strict=True))
        facts["proposed"], facts["primary"] = find_proposed(doc, facts["title"], abbreviations, self.off["proposed"])
        # the paper's own one-word names are names even where they open a sentence ("Aether achieves ...")
        doc.user_data["own_words"] = {m.name for m in facts["proposed"] if " " not in m.name}
        return doc


class ComparisonsComponent(_Component):
    fields = FIELDS["comparisons"]

    def __call__(self, doc: Doc) -> Doc:
        doc._.kgraph["comparisons"] = [c for c in find_comparisons(doc)
                                       if f"comparison-{c.kind}" not in self.off["claims"]]
        return doc


class MentionsComponent(_Component):
    fields = FIELDS["mentions"]

    def __call__(self, doc: Doc) -> Doc:
        facts = doc._.kgraph
        own = {normalize_name(n) for m in facts["proposed"] for n in (m.name, *m.aliases)}
        compared = {normalize_name(o.text) for c in facts["comparisons"] for o in c.objects}
        # what a comparison is against is a method, even where a metric has its name ("outperforms MAE")
        metrics = [m for m in find_metrics(doc) if normalize_name(m.name) not in compared]
        benchmarks = find_benchmarks(doc, exclude=own | compared)
        named = {normalize_name(b.name) for b in benchmarks}
        benchmarks += [m for m in facts["proposed"] if m.kind == "benchmark" and text_of(doc).count(m.name) > 1
                       and normalize_name(m.name) not in named]  # a proposed benchmark the paper evaluates on
        facts["metrics"] = [m for m in metrics if m.rule not in self.off["metrics"]]
        facts["benchmarks"] = [m for m in benchmarks if m.rule not in self.off["benchmarks"]]
        facts["organizations"] = [m for m in find_organizations(doc) if m.rule not in self.off["organizations"]]
        return doc


class ClaimsComponent(_Component):
    fields = FIELDS["claims"]

    def __call__(self, doc: Doc) -> Doc:
        facts = doc._.kgraph
        baselines, claims = find_baselines_and_claims(doc, facts["comparisons"], facts["proposed"], facts["primary"],
                                                      facts["benchmarks"], facts["metrics"])
        not_methods = {normalize_name(m.name) for m in (*facts["benchmarks"], *facts["metrics"])}
        facts["baselines"] = [b for b in baselines if normalize_name(b.name) not in not_methods
                              and b.rule not in self.off["baselines"]]
        facts["claims"] = [c for c in claims if not self.off["claims"].intersection(c.rule.split("/"))]
        return doc


# name -> component, in pipeline order (each reads what the ones before it left)
COMPONENTS: dict[str, type[_Component]] = {"kgraph_proposed": ProposedComponent,
                                           "kgraph_comparisons": ComparisonsComponent,
                                           "kgraph_mentions": MentionsComponent, "kgraph_claims": ClaimsComponent}


def _factory(component: type[_Component]) -> Callable[..., _Component]:
    def make(nlp: Language, name: str, disabled: list[str]) -> _Component:
        return component(disabled)
    return make


for _name, _component in COMPONENTS.items():
    Language.factory(_name, default_config={"disabled": []}, func=_factory(_component))
