"""Does confidence mean something? Precision per confidence bucket, for claims and for each entity field.

    python benchmarks/calibration.py [--pred PRED.jsonl] [--gold ../shared/gold/dev.jsonl] [--split train|validation]

Without ``--pred`` it runs ``kgraph extract`` over ``--corpus`` (../shared/corpus) first; default
splits: train and validation. Each table counts the field's predicted facts per confidence bucket,
the precision of the bucket and of everything at or above its lower edge (what a threshold there
keeps), says whether precision rises with confidence (empty buckets skipped) and names the lowest
bucket whose own precision reaches 0.8. Then, for claims, precision/recall/F1 as ``score.py``
computes them when only claims at or above a threshold are kept, and the threshold with the best F1:
the explorer page's default confidence threshold is chosen from these figures (docs/quality.md).
"""

from __future__ import annotations

from quality import (BUCKET_EDGES, CLAIM_FIELDS, ENTITY_FIELDS, Bucket, Fact, arguments, best_threshold, buckets,
                     claim_scores, falls, judge, load, lowest_precise, percent)

LEVEL = 0.8  # the precision a default threshold should deliver


def table(facts: list[Fact], field: str) -> str:
    """One field's buckets with counts, precision and precision at or above, then the monotonicity verdict."""
    rows = buckets(facts, field)
    lines = [f"{field}", f"  {'confidence':<12}{'facts':>6}{'correct':>8}{'P':>7}{'facts>=':>9}{'P>=':>7}"]
    for i, row in enumerate(rows):
        above = Bucket(row.low, BUCKET_EDGES[-1], sum(r.total for r in rows[i:]), sum(r.correct for r in rows[i:]))
        lines.append(f"  {row.label:<12}{row.total:>6}{row.correct:>8}{percent(row.precision):>7}"
                     f"{above.total:>9}{percent(above.precision):>7}")
    drops = falls(rows)
    lines.append("  precision rises with confidence: " + ("yes" if not drops else "no (" + "; ".join(
        f"{a.label} {a.precision:.3f} > {b.label} {b.precision:.3f}" for a, b in drops) + ")"))
    precise = lowest_precise(rows, LEVEL)
    lines.append(f"  lowest bucket with precision >= {LEVEL}: " + (precise.label if precise else "none"))
    return "\n".join(lines)


def main() -> int:
    args = arguments(__doc__).parse_args()
    scorer, pairs = load(args)
    facts = judge(scorer, pairs)
    print(f"papers in gold: {len(pairs)} ({', '.join(args.split or ('train', 'validation'))})\n")
    for field in (*CLAIM_FIELDS, *ENTITY_FIELDS):
        print(table(facts, field) + "\n")
    print("claims kept at confidence >= threshold, scored as score.py does (P, R, F1)")
    print(f"  {'threshold':<11}" + "".join(f"{field:>24}" for field in CLAIM_FIELDS))
    for threshold in BUCKET_EDGES[:-1]:
        scores = claim_scores(scorer, pairs, threshold)
        print(f"  {threshold:<11g}" + "".join(f"{'  '.join(f'{v:.3f}' for v in scores[f]):>24}" for f in CLAIM_FIELDS))
    for field in CLAIM_FIELDS:
        threshold, (p, r, f) = best_threshold(scorer, pairs, field)
        print(f"best F1 for {field}: threshold {threshold:g} (P {p:.3f}, R {r:.3f}, F1 {f:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
