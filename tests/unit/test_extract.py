"""Extraction mechanisms on sentences written for these tests, positive and negative cases."""

from __future__ import annotations

import json

import pytest

from kgraph.extract.paper import extract_paper
from kgraph.extract.abbreviations import best_long_form
from kgraph.extract.margins import plain_latex, quantity
from kgraph.extract.names import is_strong_name
from kgraph.model import Extraction, Paper, normalize_name
from kgraph.predictions import gold_record


def run(abstract: str, title: str = "A Study of Things") -> Extraction:
    return extract_paper(Paper(title=title, abstract=abstract))


def names(mentions) -> set[str]:
    return {m.name for m in mentions}


def all_forms(mentions) -> set[str]:
    return {n for m in mentions for n in (m.name, *m.aliases)}


def wins(extraction: Extraction) -> set[tuple[str, str, str | None]]:
    return {(c.winner, c.loser, c.benchmark) for c in extraction.claims}


# --- names and abbreviations -------------------------------------------------------------

@pytest.mark.parametrize("word", ["FMix", "GSM8K", "Focus-DETR", "M2R2", "decoupleQ", "Hydra++", "RoPE-Only"])
def test_name_shapes_are_names(word):
    assert is_strong_name(word)


@pytest.mark.parametrize("word", ["LLMs", "GPU", "2-bit", "DETR-like", "SSM-based", "2.2x", "However", "III"])
def test_generic_or_descriptive_words_are_not_names(word):
    assert not is_strong_name(word)


def test_schwartz_hearst_long_form():
    assert best_long_form("SSL", "we build a framework named Skeleton Sequence Learning") == "Skeleton Sequence Learning"
    assert best_long_form("XYZ", "a plain sentence with nothing") is None


def test_abbreviation_links_acronym_and_expansion_both_directions():
    ext = run("We propose Skeleton Sequence Learning (SSL), a framework for actions. "
              "Later we add RTC (Recurrent Token Caching) to the model.")
    assert ("SSL", "Skeleton Sequence Learning") in ext.abbreviations
    assert ("RTC", "Recurrent Token Caching") in ext.abbreviations
    proposed = next(m for m in ext.proposed if m.name == "SSL")
    assert proposed.aliases == ["Skeleton Sequence Learning"]


# --- proposed ------------------------------------------------------------------------------

def test_title_prefix_convention():
    ext = run("We study speed. QuickNet is fast.", title="QuickNet: Fast Inference for Everyone")
    assert "QuickNet" in names(ext.proposed)
    assert next(m for m in ext.proposed if m.name == "QuickNet").rule == "title-prefix"


def test_slogan_title_prefix_is_not_a_name():
    ext = run("We study why fewer tokens help detection.", title="Less is More: Fewer Tokens for Detection")
    assert "Less is More" not in names(ext.proposed)


@pytest.mark.parametrize("sentence, expected", [
    ("In this paper, we propose ZetaFormer, a novel architecture for long inputs.", "ZetaFormer"),
    ("We introduce Gradient Lattice Search (GLS), which prunes candidates early.", "GLS"),
    ("This paper presents OrbitVQA for spatial questions.", "OrbitVQA"),
    ("We develop a lightweight variant, dubbed TinyOrbit, for phones.", "TinyOrbit"),
    ("Our method, named Sparse Echo Attention, halves the cost.", "Sparse Echo Attention"),
    ("Extensive experiments show that our PolyMix improves robustness.", "PolyMix"),
    ("A token scoring block (TSB) and a fusion head (FH) are proposed to focus attention.", "TSB"),
])
def test_proposal_patterns(sentence, expected):
    assert expected in names(run(sentence).proposed)


def test_background_names_are_not_proposed():
    ext = run("Masked image modeling (MIM) is popular. We propose a learning-efficient MIM training scheme, "
              "termed Disjoint Token Mixing (DTM).")
    assert "MIM" not in all_forms(ext.proposed)
    assert "DTM" in names(ext.proposed)


def test_proposed_benchmark_is_typed_as_benchmark():
    ext = run("We propose ParaBench, the first benchmark for parallel decoding. Using ParaBench, we evaluate ten models.")
    bench = next(m for m in ext.proposed if m.name == "ParaBench")
    assert bench.kind == "benchmark"
    assert "ParaBench" in names(ext.benchmarks)


# --- benchmarks and metrics ------------------------------------------------------------------

def test_benchmarks_from_vocabulary_context_and_shape():
    ext = run("Experiments on FineGym, Diving48 and NTU 120 datasets show gains. "
              "We also report results on MS COCO and the new ToolQA suite, and on MegaCount-Bench.")
    found = {normalize_name(n) for n in names(ext.benchmarks)}
    for expected in ["FineGym", "Diving48", "NTU 120", "MS COCO", "ToolQA", "MegaCount-Bench"]:
        assert normalize_name(expected) in found, expected


def test_models_and_hardware_are_not_benchmarks():
    ext = run("We evaluate on GSM8K using Vicuna-7B and LLaMA-13B on A100 GPUs.")
    found = names(ext.benchmarks)
    assert "GSM8K" in found
    assert not found & {"Vicuna-7B", "LLaMA-13B", "A100"}


def test_short_ambiguous_vocabulary_label_needs_evaluation_context():
    assert "GQA" not in names(run("The backbone combines RoPE and GQA heads.").benchmarks)
    assert "GQA" in names(run("Experiments on GQA and VQAv2 show clear gains.").benchmarks)


def test_metrics_from_vocabulary_with_result_context():
    ext = run("Our model improves top-1 accuracy by 2% and lowers FID to 3.1. Memory is a concern in general.")
    found = names(ext.metrics)
    assert {"top-1 accuracy", "FID"} <= found
    assert "Memory" not in found  # a common word without any reported result


# --- baselines and claims --------------------------------------------------------------------

def test_outperforms_coordinated_losers_with_benchmark_and_margin():
    ext = run("We propose QuickNet. QuickNet outperforms ResNet-50, ConvNeXt and DeiT on ImageNet-1K by 2.9 points.")
    assert {("QuickNet", "ResNet-50", "ImageNet-1K"), ("QuickNet", "ConvNeXt", "ImageNet-1K"),
            ("QuickNet", "DeiT", "ImageNet-1K")} <= wins(ext)
    claim = next(c for c in ext.claims if c.loser == "ResNet-50")
    assert claim.margin == "2.9 points"
    assert claim.evidence.text.startswith("QuickNet outperforms")
    assert ext.claims[0].evidence.text == ext.claims[0].evidence.text.strip()


def test_our_method_stands_for_the_proposed_name():
    ext = run("We propose LatticeKV, a cache for serving. Compared with vLLM, our method reduces latency by 40%.")
    assert ("LatticeKV", "vLLM", None) in wins(ext)


def test_lower_is_better_metric_direction():
    win = run("We propose LatticeKV. LatticeKV achieves 2x lower latency than SGLang.")
    assert ("LatticeKV", "SGLang", None) in wins(win)
    loss = run("We propose LatticeKV. LatticeKV achieves lower accuracy than SGLang on MMLU.")
    assert not loss.claims
    assert "SGLang" in names(loss.baselines)


@pytest.mark.parametrize("sentence", [
    "We propose PolyMix. PolyMix does not outperform CutMix on CIFAR-10.",
    "We propose PolyMix. PolyMix achieves performance comparable to CutMix on CIFAR-10.",
    "We propose PolyMix. PolyMix is on par with CutMix on CIFAR-10.",
])
def test_negations_and_hedges_are_not_wins_but_are_baselines(sentence):
    ext = run(sentence)
    assert not ext.claims
    assert "CutMix" in names(ext.baselines)


def test_matches_or_outperforms_is_a_win():
    ext = run("We propose PolyMix. PolyMix matches or outperforms CutMix on CIFAR-10.")
    assert ("PolyMix", "CutMix", "CIFAR-10") in wins(ext)


def test_generic_groups_are_not_baselines():
    ext = run("We propose PolyMix. PolyMix outperforms state-of-the-art methods and existing SSL approaches.")
    assert not ext.baselines
    assert not ext.claims


def test_improves_over_and_strong_baseline():
    ext = run("We propose PolyMix. With it, PolyMix improves accuracy over a strong RandAugment baseline by 1.2%.")
    assert ("PolyMix", "RandAugment", None) in wins(ext)


# --- organizations -----------------------------------------------------------------------------

def test_organizations_from_text_and_code_addresses():
    ext = run("We thank Google DeepMind and the Vector Institute. Code: https://github.com/acme-research/tool "
              "and https://github.com/jdoe1234/fork and https://aka.ms/tool.")
    found = names(ext.organizations)
    assert {"Google DeepMind", "Vector Institute", "acme-research", "aka.ms"} <= found
    assert "jdoe1234" not in found
    acme = next(m for m in ext.organizations if m.name == "acme-research")
    assert ext_text(ext, acme) == "acme-research"


def ext_text(ext: Extraction, mention) -> str:
    return mention.evidence.text[mention.start - mention.evidence.start:mention.end - mention.evidence.start]


# --- evidence, determinism, output format -------------------------------------------------------

def test_every_fact_points_at_its_evidence():
    abstract = ("Large models are slow. We propose QuickNet (QN), a fast network. "
                "QuickNet outperforms ResNet-50 on ImageNet by 2.1% top-1 accuracy, see https://github.com/acme-lab/qn.")
    ext = run(abstract)
    mentions = [*ext.proposed, *ext.benchmarks, *ext.baselines, *ext.metrics, *ext.organizations]
    assert mentions and ext.claims
    for m in mentions:
        assert abstract[m.evidence.start:m.evidence.end] == m.evidence.text
        assert m.evidence.start <= m.start < m.end <= m.evidence.end
        assert 0 < m.confidence <= 1 and m.rule
    for c in ext.claims:
        assert abstract[c.evidence.start:c.evidence.end] == c.evidence.text
        assert c.winner and c.loser and c.rule


def test_extraction_is_pure_and_json_round_trips():
    paper = Paper(title="QuickNet: Fast", abstract="We propose QuickNet. QuickNet beats ResNet on COCO.")
    first, second = extract_paper(paper), extract_paper(paper)
    assert first == second
    assert Extraction.from_dict(json.loads(json.dumps(first.to_dict()))) == first
    record = gold_record(paper, first)
    assert set(record) >= {"title", "proposed", "benchmarks", "baselines", "outperforms", "organizations", "metrics"}
    assert {"winner": "QuickNet", "loser": "ResNet", "benchmark": "COCO"}.items() <= record["outperforms"][0].items()


def test_third_party_subject_directly_before_the_trigger_is_the_winner():
    ext = run("We study codecs. In prior work, SoundStream significantly outperforms Opus on speech.")
    assert ("SoundStream", "Opus", None) in wins(ext)


def test_a_name_far_from_the_trigger_is_not_taken_as_winner():
    ext = run("Models like ELC-BERT already show that learned aggregation over depth can outperform DenseNet.")
    assert not ext.claims
    assert "DenseNet" in names(ext.baselines)


def test_sentences_end_after_names_in_capitals():
    ext = run("We propose QuickNet. It gains 4.1% over Qwen3-ViT. Codec-aligned tokens help.")
    assert {c.loser for c in ext.claims} == {"Qwen3-ViT"}


def test_a_margin_belongs_to_the_comparison_it_stands_in():
    """"X by 3.2, and improves over Y": no margin for Y; "over X and ... by 9.8% relative to Y": Y's, not X's."""
    ext = run("We propose FooKV. It outperforms BarKV by 3.2 points on RULER, and improves over BazKV on LongBench.")
    assert {(c.loser, c.benchmark, c.margin) for c in ext.claims} == {("BarKV", "RULER", "3.2 points"),
                                                                       ("BazKV", "LongBench", None)}
    ext = run("We propose FooSU. FooSU improves STOI over BarSpeech and reduces the word error rate by 9.8% "
              "relative to BazTTS.")
    assert {(c.loser, c.margin) for c in ext.claims} == {("BarSpeech", None), ("BazTTS", "9.8%")}


def test_each_loser_keeps_its_own_margin_across_two_triggers():
    ext = run("We propose FooMix. On MUSDB18-HQ, FooMix improves over BarRNN by 0.6 dB and over BazDemucs by 0.8 dB, "
              "and beats QuxNet by 6.2 points and QuuxNet by more than 30 points.")
    assert {(c.loser, c.margin) for c in ext.claims} == {("BarRNN", "0.6 dB"), ("BazDemucs", "0.8 dB"),
                                                         ("QuxNet", "6.2 points"), ("QuuxNet", "30 points")}


def test_each_comparison_keeps_its_own_benchmark_and_margin():
    ext = run("We propose RTD. RTD outperforms Code Llama and StarCoder on HumanEval by 6.3 points, "
              "and improves over Reflexion by 2.4 points on MBPP.")
    claims = {(c.loser, c.benchmark): c.margin for c in ext.claims}
    assert claims == {("Code Llama", "HumanEval"): "6.3 points", ("StarCoder", "HumanEval"): "6.3 points",
                      ("Reflexion", "MBPP"): "2.4 points"}


def test_fronted_benchmark_is_not_a_winner_and_the_subject_is():
    ext = run("We introduce TrailSet, a benchmark. On TrailSet, RTD outperforms StarCoder by 9.5 points.")
    assert wins(ext) == {("RTD", "StarCoder", "TrailSet")}
    assert "RTD" not in names(ext.benchmarks)


def test_metric_and_margin_before_than():
    ext = run("We propose LatticeKV. LatticeKV achieves 2.5x lower TBT than vLLM.")
    claim = ext.claims[0]
    assert (claim.winner, claim.loser, claim.metric, claim.margin) == ("LatticeKV", "vLLM", "TBT", "2.5x")


def test_title_that_announces_a_benchmark_types_the_name_as_benchmark():
    ext = run("We introduce CodeTrail with 1,200 tasks. On CodeTrail, RTD outperforms StarCoder by 9.5 points.",
              title="CodeTrail: A Benchmark of Multi-File Programming Tasks")
    assert next(m for m in ext.proposed if m.name == "CodeTrail").kind == "benchmark"
    assert ("RTD", "StarCoder", "CodeTrail") in wins(ext)


@pytest.mark.parametrize("sentence", [
    "PolyMix surpasses CutMix on CIFAR-10.",
    "PolyMix beats CutMix on CIFAR-10.",
    "PolyMix exceeds CutMix on CIFAR-10 by 1.1%.",
    "PolyMix is better than CutMix on CIFAR-10.",
    "PolyMix achieves higher accuracy than CutMix on CIFAR-10.",
    "On CIFAR-10, PolyMix reaches higher accuracy versus CutMix.",
    "Evaluated against CutMix on CIFAR-10, PolyMix improves accuracy by 1.1%.",
    "Compared to CutMix, PolyMix improves accuracy on CIFAR-10 by 1.1%.",
    "PolyMix shows a 1.1% gain over CutMix on CIFAR-10.",
])
def test_comparison_triggers(sentence):
    ext = run("We propose PolyMix. " + sentence)
    assert ("PolyMix", "CutMix", "CIFAR-10") in wins(ext), ext.claims


@pytest.mark.parametrize(("margin", "value", "unit"), [
    ("+1.7 mIoU", 1.7, "mIoU"), ("2.8x", 2.8, "x"), ("4 times", 4.0, "x"), ("10 - 45%", 10.0, "%"),
    ("~7%", 7.0, "%"), ("3.5 points", 3.5, "points"), ("-7.20%", -7.2, "%"), ("2.1", 2.1, None)])
def test_a_margin_is_read_as_a_number_and_a_unit(margin, value, unit):
    assert quantity(margin) == (value, unit)


@pytest.mark.parametrize(("text", "plain"), [
    ("2.5$\\times$ faster", "2.5×        faster"), ("a 23times speedup", "a 23×     speedup"), ("by 15\\%", "by 15% "),
    ("about $\\sim$7 points", "about      ~7 points"), ("sim7", "  ~7"), ("$3.2$ points", " 3.2  points")])
def test_latex_leftovers_become_symbols_at_the_same_length(text, plain):
    assert plain_latex(text) == plain


def test_an_arxiv_latex_margin_is_read():
    ext = run("We propose QuickNet. QuickNet is 2.5$\\times$ faster than ResNet-50.")
    assert [(c.loser, c.margin_value, c.margin_unit) for c in ext.claims] == [("ResNet-50", 2.5, "x")]


def test_claims_carry_their_margin_as_a_number():
    ext = run("We propose QuickNet. QuickNet outperforms ResNet-50 on ImageNet-1K by 2.9 points.")
    assert [(c.loser, c.margin, c.margin_value, c.margin_unit) for c in ext.claims] == \
        [("ResNet-50", "2.9 points", 2.9, "points")]


def test_a_one_word_long_form_counts_when_its_capitals_spell_the_short_form():
    assert best_long_form("SD", "distill the knowledge from pre-trained StableDiffusion") == "StableDiffusion"
    assert best_long_form("SD", "we study the Sandbox") is None


def test_a_claim_against_a_group_named_earlier_keeps_the_comparison_as_evidence():
    ext = run("Common positional encoding methods, such as ALiBi and Rotary, fail to generalize. "
              "We propose NoPEX. NoPEX outperforms other explicit positional encoding methods.")
    assert {(c.winner, c.loser, c.evidence.text) for c in ext.claims} == {
        ("NoPEX", "ALiBi", "NoPEX outperforms other explicit positional encoding methods."),
        ("NoPEX", "Rotary", "NoPEX outperforms other explicit positional encoding methods.")}
