"""Precision of each extraction rule: which rules make the right facts and which make the wrong ones.

    python benchmarks/rule_precision.py [--pred PRED.jsonl] [--gold ../shared/gold/dev.jsonl] [--split train|validation]

Without ``--pred`` it runs ``kgraph extract`` over ``--corpus`` (../shared/corpus) first. For each
field and each rule id: the facts the rule predicted, how many the gold set confirms (an optional
``?`` gold item counts as confirmed) and the precision. Claims are judged three ways: winner and loser
(``outperforms``), also the benchmark (``outperforms+benchmark``), also the margin
(``outperforms+margin``). Facts are judged by the gold set's own ``score.py`` (see quality.py).
Default splits: train and validation; read validation's totals, never its errors.
"""

from __future__ import annotations

from quality import CLAIM_FIELDS, ENTITY_FIELDS, Fact, arguments, by_rule, judge, load, percent


def table(facts: list[Fact]) -> str:
    """Rows of field, rule, facts, correct and precision; each field's rules by count, then its total."""
    counts = by_rule(facts)
    width = max([len("(all rules)"), *(len(rule) for rules in counts.values() for rule in rules)]) + 2
    lines = [f"{'field':<23}{'rule':<{width}}{'facts':>6}{'correct':>8}{'P':>7}"]
    for field in (*ENTITY_FIELDS, *CLAIM_FIELDS):
        rules = counts.get(field, {})
        for rule, (n, ok) in sorted(rules.items(), key=lambda item: (-item[1][0], item[0])):
            lines.append(f"{field:<23}{rule:<{width}}{n:>6}{ok:>8}{percent(ok / n):>7}")
        n, ok = sum(v[0] for v in rules.values()), sum(v[1] for v in rules.values())
        lines.append(f"{field:<23}{'(all rules)':<{width}}{n:>6}{ok:>8}{percent(ok / n if n else None):>7}")
    return "\n".join(lines)


def main() -> int:
    args = arguments(__doc__).parse_args()
    scorer, pairs = load(args)
    print(f"papers in gold: {len(pairs)} ({', '.join(args.split or ('train', 'validation'))})")
    print(table(judge(scorer, pairs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
