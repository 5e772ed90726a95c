"""kgraph as its own process: ``python -m kgraph`` from any folder, its exit status and error line,
and outputs that do not depend on the hash seed (two processes with other seeds agree).

The in-process tests of the same commands and outputs are in tests/unit/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import EXAMPLE, EXAMPLE_JSONL, EXAMPLE_PAPERS, OUTPUTS, STATE, _assert_one_error_line, _bad_input, _lines
from test_rdf import _hostile_graph

from kgraph.rdf import serialize

pytestmark = pytest.mark.slow
UNIT_TESTS = Path(__file__).parent / "unit"  # where test_rdf, whose graphs the scripts below make, lies


def test_python_dash_m_kgraph(tmp_path):
    """The module entry point works as a separate process, from any working directory."""
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "kgraph", "build", str(EXAMPLE), str(EXAMPLE_JSONL), "-o", str(out)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == f"papers: {EXAMPLE_PAPERS + 2}"
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUTS, STATE])
    assert len(_lines(out / "papers.jsonl")) == EXAMPLE_PAPERS + 2


def test_bad_input_in_a_subprocess(tmp_path):
    """Through the installed entry point: status 2, one line on stderr, nothing on stdout."""
    bad, line = _bad_input(tmp_path, "malformed JSON line")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    run = subprocess.run([sys.executable, "-m", "kgraph", "build", str(bad), "-o", str(out)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 2
    assert run.stdout == ""
    _assert_one_error_line(run.stderr, bad, line)
    assert not out.exists()



def test_output_does_not_depend_on_the_hash_seed() -> None:
    """Sets in rdflib's store iterate in hash order; two processes with other seeds must agree."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_rdf; from kgraph.rdf import serialize; "
        "graph = test_rdf._reordered(test_rdf._hostile_graph()); "
        "sys.stdout.buffer.write((serialize(graph) + serialize(graph, 'nt')).encode())"
    )
    tests_dir = str(UNIT_TESTS)
    outputs = [
        subprocess.run([sys.executable, "-c", script, tests_dir], capture_output=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    graph = _hostile_graph()
    assert outputs[0] == outputs[1] == (serialize(graph) + serialize(graph, "nt")).encode()



@pytest.mark.parametrize("fmt", ["nt", "jsonld"])
def test_exports_do_not_depend_on_the_hash_seed(fmt: str) -> None:
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import test_rdf; from kgraph.rdf import serialize; "
              f"sys.stdout.buffer.write(serialize(test_rdf._reordered(test_rdf._hostile_graph()), {fmt!r}).encode())")
    outputs = [subprocess.run([sys.executable, "-c", script, str(UNIT_TESTS)], capture_output=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert outputs[0] == outputs[1] == serialize(_hostile_graph(), fmt).encode()


def _digest_in_subprocess(seed: str) -> str:
    code = (
        "import hashlib, networkx as nx\n"
        "from kgraph.viz import render_html\n"
        "g = nx.MultiDiGraph()\n"
        "for i in range(30):\n"
        "    g.add_node(f'method:m{i}', type='Method', label=f'M{i}', aliases=[])\n"
        "for i in range(0, 27, 3):\n"  # several small components: exercises the packing
        "    g.add_edge(f'method:m{i}', f'method:m{i+1}', key='k', type='outperforms', evidence='e')\n"
        "    g.add_edge(f'method:m{i+1}', f'method:m{i+2}', key='k', type='outperforms', evidence='e')\n"
        "print(hashlib.sha256(render_html(g).encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_page_does_not_depend_on_the_hash_seed():
    assert _digest_in_subprocess("1") == _digest_in_subprocess("2")  # no dependence on set/hash order
