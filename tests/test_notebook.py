"""notebooks/explore.ipynb runs clean top to bottom, on the examples and on the shared corpus (its
parameters cell set as a reader would), uses only kgraph's Python API, and is committed without outputs."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import nbformat
import pytest
from conftest import CORPUS

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
CELL_TIMEOUT = 600  # seconds; the build cell extracts the inputs


def _parameters(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))


def test_notebook_is_committed_without_outputs_and_uses_only_the_api():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
            assert not re.search(r"\bfrom kgraph\.|\bimport kgraph\.", cell.source), cell.source[:60]
    assert notebook.metadata.kernelspec.name == "python3"
    assert re.search(r"^INPUTS = .*^TOP_N = \d+$", _parameters(notebook).source, re.S | re.M)


def _run(tmp_path: Path, inputs: list[str], top_n: int) -> list[nbformat.NotebookNode]:
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    _parameters(notebook).source = f"INPUTS = {inputs!r}\nBUILD = {str(tmp_path / 'build')!r}\nTOP_N = {top_n}"
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "claims (outperforms):" in printed and "papers with at least one claim:" in printed
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert html.count('class="dataframe"') >= 5  # claims, canned queries, most beaten, who beats, own query
    assert "<iframe srcdoc=" in html  # the explorer, inline
    return outputs


def _plot_sizes(outputs: list[nbformat.NotebookNode]) -> list[tuple[int, int]]:
    """(width, height) of each plot."""
    from PIL import Image

    images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    return [Image.open(io.BytesIO(base64.b64decode(png))).size for png in images]


def test_notebook_runs_clean_on_the_examples(tmp_path):
    outputs = _run(tmp_path, ["examples/*.txt", "examples/*.jsonl", "examples/*.csv", "examples/*.xml"], 15)
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "HaloNorm" in html
    assert len(_plot_sizes(outputs)) == 2  # wins per method, claims per benchmark


def test_notebook_runs_on_the_corpus_and_its_plots_stay_top_n(tmp_path):
    if not list(CORPUS.glob("*.txt")):
        pytest.skip(f"the shared corpus is absent ({CORPUS})")
    outputs = _run(tmp_path, [str(CORPUS / "*.txt")], 12)
    sizes = _plot_sizes(outputs)
    assert len(sizes) == 2
    # 12 bars at most: a plot no taller than the notebook draws for 12 (0.32 in a bar + 1.2 in, at 100 dpi)
    assert all(height <= (0.32 * 12 + 1.2) * 100 + 1 for _, height in sizes)


SOTA = NOTEBOOK.parent / "sota.ipynb"


def test_sota_notebook_is_committed_without_outputs_and_takes_parameters():
    notebook = nbformat.read(SOTA, as_version=4)
    nbformat.validate(notebook)
    assert all(cell.outputs == [] for cell in notebook.cells if cell.cell_type == "code")
    (parameters,) = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert "INPUTS = None" in parameters.source and "BENCHMARK = None" in parameters.source


@pytest.mark.parametrize("inputs", ["examples", "corpus"])
def test_sota_notebook_plots_a_frontier_over_time(inputs):
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(SOTA, as_version=4)
    if inputs == "corpus":
        if not CORPUS.is_dir():
            pytest.skip(f"the shared corpus is not at {CORPUS}")
        (parameters,) = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
        parameters.source = f"INPUTS = {sorted(str(p) for p in CORPUS.glob('*.txt'))!r}\nBENCHMARK = 'ImageNet'"
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(SOTA.parent)}})
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == 1  # the frontier over time
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "ImageNet:" in printed and "dated claims on" in printed
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "State of the art on ImageNet as of" in html and "<td>" in html  # the sota rows
