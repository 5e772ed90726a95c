"""Extraction quality fact by fact: shared by ``rule_precision.py``, ``calibration.py`` and ``quality_floors.py``.

A predicted fact (one name in one entity field, or one claim) is judged by the gold set's own
``score.py``, loaded from its file: the fact is correct when the scorer, scoring it alone against its
paper's gold, counts no false positive. So an optional (``?``) gold item counts as correct, a claim's
benchmark and margin are matched exactly as the F1 scores match them, and a change to the scorer
applies here too. Rule ids and confidences come from ``kgraph extract``'s ``rule``/``confidence``
claim keys and its ``facts`` key; nothing here knows the extractor's rule names or confidence values.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ENTITY_FIELDS = ("proposed", "benchmarks", "baselines", "organizations", "metrics")
CLAIM_FIELDS = ("outperforms", "outperforms+benchmark", "outperforms+margin")
SPLITS = ("train", "validation")
BUCKET_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # the last bucket includes 1.0


@dataclass(frozen=True)
class Fact:
    """One predicted fact as judged: its field (a claim is judged once per claim field), rule and confidence."""

    field: str
    rule: str
    confidence: float
    correct: bool


@dataclass(frozen=True)
class Bucket:
    """Facts whose confidence lies in [low, high) (the last bucket: [low, high])."""

    low: float
    high: float
    total: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.total if self.total else None

    @property
    def label(self) -> str:
        close = "]" if self.high >= BUCKET_EDGES[-1] else ")"
        return f"[{self.low:g},{self.high:g}{close}"


def load_scorer(path: Path) -> ModuleType:
    """The gold set's ``score.py`` as a module, imported from its file so there is one copy of the matching."""
    spec = importlib.util.spec_from_file_location("gold_score", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract(corpus: Path, output: Path) -> None:
    """Run ``kgraph extract`` over the corpus in this process (its messages to stderr): the installed extractor."""
    from kgraph.cli import main

    files = sorted(corpus.glob("*.txt"))
    if not files:
        raise SystemExit(f"no corpus at {corpus} (*.txt)")
    with contextlib.redirect_stdout(sys.stderr):
        status = main(["extract", *map(str, files), "-o", str(output)])
    if status:
        raise SystemExit(f"kgraph extract failed with status {status}")


def score_split(scorer: Path, gold: Path, pred: Path, split: str) -> dict[str, Any]:
    """``score.py --json --split SPLIT`` in a subprocess: the scores exactly as the scorer's own command prints them."""
    run = subprocess.run([sys.executable, str(scorer), "--gold", str(gold), "--pred", str(pred), "--json",
                          "--split", split], capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    if run.returncode:
        raise RuntimeError(f"{scorer} --split {split} failed: {run.stderr.strip()}")
    return json.loads(run.stdout)


def paired(scorer: ModuleType, gold: Path, pred: Path, splits: Iterable[str]) -> list[tuple[dict, dict]]:
    """(gold record, predicted record) for each gold paper of the splits, paired by title as ``score.py`` pairs them."""
    wanted = set(splits)
    predicted: dict[str, dict] = {}
    for record in scorer.read_jsonl(str(pred)):
        if "title" in record:
            predicted.setdefault(scorer.norm(record["title"]), record)
    pairs = [(record, predicted.get(scorer.norm(record["title"]), {}))
             for record in scorer.read_jsonl(str(gold)) if record.get("split") in wanted]
    if not pairs:
        raise SystemExit(f"{gold}: no gold paper in split(s) {', '.join(sorted(wanted))}")
    return pairs


def _ruled(items: list[dict], where: str) -> Iterator[dict]:
    for item in items:
        if "rule" not in item or "confidence" not in item:
            raise SystemExit(f"{where}: a fact without rule and confidence (predictions from an older kgraph extract?)")
        yield item


def judge(scorer: ModuleType, pairs: list[tuple[dict, dict]]) -> list[Fact]:
    """Every predicted fact of the paired papers, each judged alone by the scorer's matching."""
    facts = []
    for gold, pred in pairs:
        if pred and "facts" not in pred:
            raise SystemExit(f"{gold['title']!r}: no 'facts' key (predictions from an older kgraph extract?)")
        for field in ENTITY_FIELDS:
            for item in _ruled(pred.get("facts", {}).get(field, []), gold["title"]):
                if scorer.norm(item["name"]):  # the scorer skips names with nothing to compare
                    false = scorer.score_list(gold.get(field, []), [item["name"]])[1]
                    facts.append(Fact(field, item["rule"], item["confidence"], not false))
        for claim in _ruled(pred.get("outperforms") or [], gold["title"]):
            for field in CLAIM_FIELDS:
                with_benchmark, with_margin = field != "outperforms", field == "outperforms+margin"
                false = scorer.score_claims(gold.get("outperforms", []), [claim], with_benchmark, with_margin)[1]
                facts.append(Fact(field, claim["rule"], claim["confidence"], not false))
    return facts


def by_rule(facts: Iterable[Fact]) -> dict[str, dict[str, tuple[int, int]]]:
    """Per field, per rule: (facts, correct facts)."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for fact in facts:
        row = counts[fact.field][fact.rule]
        row[0] += 1
        row[1] += fact.correct
    return {field: {rule: (n, ok) for rule, (n, ok) in rules.items()} for field, rules in counts.items()}


def buckets(facts: Iterable[Fact], field: str) -> list[Bucket]:
    """The field's facts counted per confidence bucket (``BUCKET_EDGES``), empty buckets included."""
    chosen = [f for f in facts if f.field == field]
    rows = []
    for i, (low, high) in enumerate(zip(BUCKET_EDGES, BUCKET_EDGES[1:])):
        last = i == len(BUCKET_EDGES) - 2
        inside = [f for f in chosen if low <= f.confidence and (f.confidence < high or last)]
        rows.append(Bucket(low, high, len(inside), sum(f.correct for f in inside)))
    return rows


def falls(rows: list[Bucket]) -> list[tuple[Bucket, Bucket]]:
    """Neighbouring non-empty buckets where precision drops as confidence rises (none: calibrated in order)."""
    full = [b for b in rows if b.total]
    return [(a, b) for a, b in zip(full, full[1:]) if b.correct * a.total < a.correct * b.total]


def lowest_precise(rows: list[Bucket], level: float = 0.8) -> Bucket | None:
    """The lowest non-empty bucket whose own precision reaches ``level``."""
    return next((b for b in rows if b.total and b.correct >= level * b.total), None)


def claim_scores(scorer: ModuleType, pairs: list[tuple[dict, dict]], threshold: float) -> dict[str, tuple]:
    """Per claim field, (P, R, F1) as ``score.py`` computes them over the claims with confidence >= threshold."""
    totals = {field: [0, 0, 0] for field in CLAIM_FIELDS}
    for gold, pred in pairs:
        kept = [c for c in pred.get("outperforms") or [] if c["confidence"] >= threshold]
        for field in CLAIM_FIELDS:
            scored = scorer.score_claims(gold.get("outperforms", []), kept, field != "outperforms",
                                         field == "outperforms+margin")
            for i in range(3):
                totals[field][i] += scored[i]
    return {field: scorer.prf(*counts) for field, counts in totals.items()}


def best_threshold(scorer: ModuleType, pairs: list[tuple[dict, dict]],
                   field: str = "outperforms") -> tuple[float, tuple]:
    """The confidence threshold with the best claim F1 in ``field`` (on a tie the higher one: fewer claims, same F1)."""
    levels = sorted({c["confidence"] for _, pred in pairs for c in pred.get("outperforms") or []}) or [0.0]
    scored = [(t, claim_scores(scorer, pairs, t)[field]) for t in levels]
    return max(scored, key=lambda item: (round(item[1][2], 9), item[0]))


def arguments(description: str | None) -> argparse.ArgumentParser:
    """The options every quality script takes: predictions or a corpus to extract, the gold file and the splits."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pred", type=Path, help="kgraph extract output (default: run kgraph extract on --corpus)")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--gold", type=Path, default=SHARED / "gold" / "dev.jsonl")
    parser.add_argument("--scorer", type=Path, help="the gold set's score.py (default: next to --gold)")
    parser.add_argument("--split", choices=SPLITS, action="append",
                        help="score only this split (repeatable; default: train and validation)")
    return parser


@contextlib.contextmanager
def predictions(args: argparse.Namespace) -> Iterator[Path]:
    """``--pred`` as given, or a fresh ``kgraph extract`` of ``--corpus`` in a temporary folder."""
    if args.pred:
        yield args.pred
        return
    with tempfile.TemporaryDirectory(prefix="kgraph-quality-") as folder:
        output = Path(folder) / "pred.jsonl"
        extract(args.corpus, output)
        yield output


def load(args: argparse.Namespace) -> tuple[ModuleType, list[tuple[dict, dict]]]:
    """The scorer and the (gold, predicted) paper pairs the options select."""
    scorer = load_scorer(args.scorer or args.gold.parent / "score.py")
    with predictions(args) as pred:
        return scorer, paired(scorer, args.gold, pred, args.split or SPLITS)


def percent(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"
