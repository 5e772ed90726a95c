"""The F1 floors ``tests/test_quality.py`` holds extraction to: measure against them, and raise them.

    python benchmarks/quality_floors.py [--pred PRED.jsonl]            # measured F1 against the floors
    python benchmarks/quality_floors.py --update [--lower]            # rewrite tests/quality_floors.json

Without ``--pred`` it runs ``kgraph extract`` over ``--corpus`` first; each split is scored by the
gold set's ``score.py --json --split S`` (as the test does). A floor is a measured F1 rounded down to
two decimals; the test fails when a field is more than ``TOLERANCE`` below its floor. ``--update``
only raises floors (a ratchet); add ``--lower`` to let a floor go down as well, e.g. when a change
trades one field for another on purpose (say so in its commit).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from quality import REPO, SPLITS, arguments, predictions, score_split

FLOORS = REPO / "tests" / "quality_floors.json"
TOLERANCE = 0.02  # how far below its floor a field may fall before the quality test fails


def read_floors(path: Path = FLOORS) -> dict[str, dict[str, float]]:
    """Per split, per scored field, the F1 floor."""
    return json.loads(path.read_text(encoding="utf-8"))


def fields_of(scores: dict) -> list[str]:
    """The per-field rows of a ``score.py --json`` summary (the micro average has no counts and is left out)."""
    return [name for name, row in scores.items() if isinstance(row, dict) and "tp" in row]


def floor_of(f1: float) -> float:
    return math.floor(round(f1 * 100, 6)) / 100


def below(f1: float, floor: float) -> bool:
    """True when the F1 is more than TOLERANCE below the floor (compared at score.py's three decimals)."""
    return round(floor - f1, 3) > TOLERANCE


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--update", action="store_true", help=f"raise the floors in {FLOORS.name} to this measurement")
    parser.add_argument("--lower", action="store_true", help="with --update: let floors go down too")
    args = parser.parse_args()
    scorer = args.scorer or args.gold.parent / "score.py"
    floors = read_floors() if FLOORS.is_file() else {}
    with predictions(args) as pred:
        measured = {split: score_split(scorer, args.gold, pred, split) for split in args.split or SPLITS}
    failed = False
    new = {split: dict(fields) for split, fields in floors.items()}
    print(f"{'split':<12}{'field':<24}{'F1':>7}{'floor':>7}  verdict")
    for split, scores in measured.items():
        for field in fields_of(scores):
            f1, floor = scores[field]["f1"], floors.get(split, {}).get(field)
            verdict = "no floor" if floor is None else "BELOW" if below(f1, floor) else "ok"
            failed |= verdict == "BELOW"
            candidate = floor_of(f1)
            if args.update and candidate != floor and (floor is None or candidate > floor or args.lower):
                new.setdefault(split, {})[field] = candidate
                change = "set" if floor is None else "raised" if candidate > floor else "LOWERED"
                verdict += f"; floor {change} to {candidate:.2f}"
            print(f"{split:<12}{field:<24}{f1:>7.3f}{'-' if floor is None else f'{floor:.2f}':>7}  {verdict}")
    if args.update:
        FLOORS.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {FLOORS}")
    return 1 if failed and not args.update else 0


if __name__ == "__main__":
    raise SystemExit(main())
