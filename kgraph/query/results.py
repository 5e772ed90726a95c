"""Print a SPARQL result: an aligned table for people, CSV and JSON (W3C result formats) for programs.

CSV and JSON follow the SPARQL 1.1 Query Results CSV and JSON formats, so tools that read an
endpoint's answers read these too. The table shortens IRIs under the kgraph prefixes
(``method:foo-net``) since full IRIs would crowd out the names.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys

from kgraph.rdf.namespace import KGRAPH_PREFIXES, PREFIXES
from kgraph.query.sparql import Result, Term

XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"
_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "long", "int")}


def _short(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        for prefix, namespace in KGRAPH_PREFIXES.items():
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def _ntriples(term: Term) -> str:
    """A term in N-Triples syntax, for CONSTRUCT and DESCRIBE results."""
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = json.dumps(term.value, ensure_ascii=False)  # JSON string escapes are valid N-Triples escapes
    if term.language:
        return f"{text}@{term.language}"
    return text if term.datatype in (None, XSD_STRING) else f"{text}^^<{term.datatype}>"


def format_triples(result: Result) -> str:
    return "".join(sorted(" ".join(_ntriples(t) for t in triple) + " .\n" for triple in result.triples))


def format_table(result: Result, width: int | None = None) -> str:
    """Aligned columns with a header; the row count last. Cells wrap only at ``width`` (default: no limit)."""
    if result.form == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    if result.form == "graph":
        return format_triples(result)
    from rich import box  # imported when a table is asked for: the command line needs no rich otherwise
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for i, name in enumerate(result.variables):
        bound = [row[i] for row in result.rows if row[i] is not None]
        numeric = bool(bound) and all(t.kind == "literal" and t.datatype in _NUMERIC for t in bound)
        table.add_column(name, overflow="fold", justify="right" if numeric else "left")
    for row in result.rows:
        table.add_row(*(_short(term) for term in row))
    out = io.StringIO()
    console = Console(file=out, width=width or 1_000_000, color_system=None, highlight=False,
                      emoji=False, markup=False)
    console.print(table)
    count = len(result.rows)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines()) + f"{count} row{'s' if count != 1 else ''}\n"


def terminal_width() -> int | None:
    """The terminal's width when standard output is one (so the table wraps to fit), else None."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def format_csv(result: Result) -> str:
    """SPARQL 1.1 CSV results: a header of variable names, IRIs and literals as plain values."""
    if result.form != "select":
        raise ValueError("CSV holds SELECT results only")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if term is None else f"_:{term.value}" if term.kind == "bnode" else term.value
                         for term in row])
    return out.getvalue()


def _json_term(term: Term) -> dict[str, str]:
    entry = {"type": term.kind, "value": term.value}
    if term.language:
        entry["xml:lang"] = term.language
    elif term.kind == "literal" and term.datatype and term.datatype != XSD_STRING:
        entry["datatype"] = term.datatype
    return entry


def format_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON: ``head.vars`` and ``results.bindings``, or ``boolean`` for ASK."""
    if result.form == "ask":
        document: dict = {"head": {}, "boolean": result.boolean}
    elif result.form == "select":
        bindings = [{name: _json_term(term) for name, term in zip(result.variables, row) if term is not None}
                    for row in result.rows]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    else:
        raise ValueError("JSON results hold SELECT and ASK results; CONSTRUCT gives N-Triples")
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def format_result(result: Result, fmt: str = "table", width: int | None = None) -> str:
    """The result as ``fmt`` text; CONSTRUCT and DESCRIBE results are N-Triples whatever the format."""
    if result.form == "graph":
        return format_triples(result)
    if fmt not in FORMATTERS:
        raise ValueError(f"format {fmt!r} is not one of {RESULT_FORMATS}")
    return FORMATTERS[fmt](result, width)


def _csv_or_boolean(result: Result, width: int | None = None) -> str:
    if result.form == "ask":
        return "boolean\r\n" + ("true" if result.boolean else "false") + "\r\n"
    return format_csv(result)


# Result formats by name (the width matters to tables only).
FORMATTERS = {"table": format_table, "csv": _csv_or_boolean, "json": lambda result, width=None: format_json(result)}
RESULT_FORMATS = tuple(FORMATTERS)
