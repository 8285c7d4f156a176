"""``tf1-lstm bench``'s seq2seq rows: the plan has them, each task's TF1 graph and PyTorch model
build and run once at tiny sizes with the same sizes of weights and outputs, the hand-written
beam search keeps its promises, and the report turns made-up timings into the section.

Nothing is timed here: every step runs once, outside ``time_blocks``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tf1_lstm.bench import seq2seq_tf1
from tf1_lstm.bench.jobs import (
    BEAM,
    DEFAULT,
    FULL,
    GO_ID,
    GREEDY,
    LEGACY_TRAIN,
    QUICK,
    SEQ2SEQ,
    TUNED,
    Job,
    Seq2SeqSpec,
    plan,
    seq2seq_only,
)
from tf1_lstm.bench.report import (
    SKIPPED_TORCH,
    Report,
    format_table,
    seq2seq_rows_from,
    to_json,
)
from tf1_lstm.bench.runner import SEQ2SEQ_TASK_MODULES, Outcome
from tf1_lstm.compat import tf

try:
    import torch

    from tf1_lstm.bench import seq2seq_torch
except ModuleNotFoundError:  # the TF1 and report tests still run
    torch = seq2seq_torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch not installed")

TINY = Seq2SeqSpec(vocab=11, units=6, embedding=5, source_steps=4, target_steps=3, batch=2,
                   beam_width=3)


def seq2seq_jobs(jobs: list[Job]) -> list[tuple[str, str, str]]:
    return [(j.model, j.world, j.threads) for j in jobs if j.kind == SEQ2SEQ]


# --- the plan and the runner -----------------------------------------------------------------

def test_full_plan_times_both_models_in_both_worlds_and_the_decoders_with_default_threads():
    assert seq2seq_jobs(plan(FULL, torch_installed=True, cores=2)) == [
        ("legacy", "tf1", TUNED), ("legacy", "torch", TUNED),
        ("attention", "tf1", TUNED), ("attention", "torch", TUNED),
        ("attention", "tf1", DEFAULT)]
    without_torch = seq2seq_jobs(plan(FULL, torch_installed=False, cores=2))
    assert all(world == "tf1" for _, world, _ in without_torch) and len(without_torch) == 3


def test_quick_keeps_the_decoders_and_seq2seq_only_drops_every_other_row():
    assert seq2seq_jobs(plan(QUICK, True, 2)) == [("attention", "tf1", TUNED),
                                                  ("attention", "torch", TUNED)]
    only = plan(seq2seq_only(FULL), True, 2)
    assert {j.kind for j in only} == {SEQ2SEQ}               # no ceiling, paths, construction
    assert seq2seq_jobs(only) == seq2seq_jobs(plan(FULL, True, 2))
    full = plan(FULL, True, 2)
    assert full[0].kind == "ceiling"                          # the documents' rows as before
    assert [j.label for j in full if j.kind != SEQ2SEQ][-1] == "construction fast T=500"


def test_runner_sends_seq2seq_jobs_to_modules_of_their_world():
    assert SEQ2SEQ_TASK_MODULES == {"tf1": seq2seq_tf1.__name__,
                                    "torch": "tf1_lstm.bench.seq2seq_torch"}
    assert seq2seq_tf1.WORLD == "tf1"
    if seq2seq_torch is not None:
        assert seq2seq_torch.WORLD == "tf2"


# --- the TF1 graphs and the PyTorch models, once at tiny sizes -------------------------------

@pytest.fixture(scope="module")
def tf1_runs():
    """Each TF1 graph at TINY sizes, every fetch run once: ({name: values}, {name: graph})."""
    values, graphs = {}, {}
    for name, builder in seq2seq_tf1.BUILDERS.items():
        built = graphs[name] = builder(TINY)
        with tf.Session(graph=built.graph) as session:
            session.run(built.init)
            for task, fetch in built.fetches.items():
                values[task] = session.run(fetch, built.feed)
    return values, graphs


def trainable(graph: tf.Graph) -> dict[str, list[int]]:
    return {v.op.name: v.shape.as_list()
            for v in graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}


def torch_parameters_without_second_biases(model) -> int:
    """PyTorch's RNNs add a second bias (``bias_hh``) TF's cells do not have."""
    return sum(p.numel() for name, p in model.named_parameters() if "bias_hh" not in name)


def test_legacy_graph_is_006s_model_with_a_full_softmax(tf1_runs):
    values, graphs = tf1_runs
    variables = trainable(graphs["legacy"].graph)
    decoder = "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/"
    # output_projection=None: the OutputProjectionWrapper's [H, V] and the attention's
    # output projection over [V + H], as TF 1.15's tutorial model had them
    assert variables[decoder + "output_projection_wrapper/kernel"] == [TINY.units, TINY.vocab]
    assert variables[decoder + "AttnOutputProjection/kernel"] == [TINY.vocab + TINY.units,
                                                                  TINY.vocab]
    assert any("gru_cell" in name for name in variables)
    loss, _ = values[LEGACY_TRAIN]
    assert np.shape(loss) == () and np.isfinite(loss)
    assert [np.shape(x) for x in values["logits"]] == [(TINY.batch, TINY.vocab)] * 3


@needs_torch
def test_pytorch_legacy_model_has_tf1s_weights_and_outputs_shapes(tf1_runs):
    values, graphs = tf1_runs
    step, model = seq2seq_torch.legacy_train_step(TINY)
    loss = step()
    assert loss.shape == () and torch.isfinite(loss)
    source, target = seq2seq_torch.token_batches(TINY)
    logits = model(source, target)                                   # [B, T, V]
    assert logits.shape == (TINY.batch, TINY.target_steps, TINY.vocab)
    assert logits.shape == np.stack(values["logits"], 1).shape
    tf1_size = sum(int(np.prod(s)) for s in trainable(graphs["legacy"].graph).values())
    assert torch_parameters_without_second_biases(model) == tf1_size


def test_attention_graph_shares_one_set_of_weights_between_greedy_and_beam(tf1_runs):
    values, graphs = tf1_runs
    variables = trainable(graphs["attention"].graph)
    assert len(variables) == 12 and not any("decoder_1" in name for name in variables)
    assert values[GREEDY].shape == (TINY.batch, TINY.target_steps)  # never ends early
    assert values[BEAM].shape == (TINY.batch, TINY.target_steps, TINY.beam_width)
    for ids in (values[GREEDY], values[BEAM]):
        assert ids.min() >= 0 and ids.max() < TINY.vocab


@needs_torch
def test_pytorch_decoders_have_tf1s_weights_and_output_shapes(tf1_runs):
    values, graphs = tf1_runs
    steps = seq2seq_torch.decode_steps(TINY)
    greedy, (beam, scores) = steps[GREEDY](), steps[BEAM]()
    assert greedy.shape == values[GREEDY].shape and beam.shape == values[BEAM].shape
    assert scores.shape == (TINY.batch, TINY.beam_width)
    model = seq2seq_torch.BahdanauSeq2Seq(TINY)
    tf1_size = sum(int(np.prod(s)) for s in trainable(graphs["attention"].graph).values())
    assert torch_parameters_without_second_biases(model) == tf1_size


def test_tf1_beam_search_of_width_1_is_greedy_decoding():
    built = seq2seq_tf1.build_attention(Seq2SeqSpec(11, 6, 5, 4, 3, 2, beam_width=1))
    with tf.Session(graph=built.graph) as session:
        session.run(built.init)
        greedy, beam = session.run([built.fetches[GREEDY], built.fetches[BEAM]], built.feed)
    np.testing.assert_array_equal(beam[:, :, 0], greedy)


def teacher_forced_log_prob(model, source, lengths, ids) -> torch.Tensor:
    """log p(ids | source) [B], each step's ids fed back as the next input."""
    memory, keys, mask, state, attention = model.encode(source, lengths)
    previous, total = torch.full((source.shape[0],), GO_ID), torch.zeros(source.shape[0])
    for t in range(ids.shape[1]):
        logits, state, attention = model.step(previous, state, attention, memory, keys, mask)
        total += torch.log_softmax(logits, -1).gather(1, ids[:, t:t + 1])[:, 0]
        previous = ids[:, t]
    return total


@needs_torch
def test_pytorch_beams_come_out_best_first_with_their_own_log_probabilities():
    torch.manual_seed(0)
    model = seq2seq_torch.BahdanauSeq2Seq(TINY)
    source, _ = seq2seq_torch.token_batches(TINY)
    lengths = torch.tensor([TINY.source_steps, 2])                 # the mask is used
    with torch.inference_mode():
        ids, scores = model.beam(source, lengths)                  # [B, T, W], [B, W]
        for w in range(TINY.beam_width):                           # traced back right
            np.testing.assert_allclose(
                teacher_forced_log_prob(model, source, lengths, ids[:, :, w]), scores[:, w],
                rtol=1e-5, atol=1e-5)
    assert torch.all(scores[:, 1:] <= scores[:, :-1])


@needs_torch
def test_pytorch_beam_search_of_width_1_is_greedy_decoding():
    spec = Seq2SeqSpec(11, 6, 5, 4, 3, 2, beam_width=1)
    model = seq2seq_torch.BahdanauSeq2Seq(spec)
    source, _ = seq2seq_torch.token_batches(spec)
    lengths = torch.full((spec.batch,), spec.source_steps)
    with torch.inference_mode():
        ids, _ = model.beam(source, lengths)
        torch.testing.assert_close(ids[:, :, 0], model.greedy(source, lengths))


# --- the report ------------------------------------------------------------------------------

def seq2seq_outcome(model: str, world: str, ms: dict[str, list[float]], threads=TUNED,
                    ok=True) -> Outcome:
    job = Job(SEQ2SEQ, world, world, model, threads=threads)
    result = {task: {"batch": 64, "tokens": 64 * 20, "seconds": [t / 1e3 for t in times]}
              for task, times in ms.items()}
    return Outcome(job, ok, result if ok else None, "" if ok else "MemoryError: boom")


def fake_report(torch_installed: bool = True) -> Report:
    outcomes = [seq2seq_outcome("legacy", "tf1", {LEGACY_TRAIN: [100.0, 90.0, 120.0]}),
                seq2seq_outcome("attention", "tf1", {GREEDY: [40.0] * 3, BEAM: [400.0] * 3}),
                seq2seq_outcome("attention", "tf1", {}, threads=DEFAULT, ok=False)]
    if torch_installed:
        outcomes += [seq2seq_outcome("legacy", "torch", {LEGACY_TRAIN: [200.0] * 3}),
                     seq2seq_outcome("attention", "torch",
                                     {GREEDY: [20.0] * 3, BEAM: [800.0] * 3})]
    machine = {"date": "2026-01-01 00:00 UTC", "cpu": "Test CPU", "cores": 2, "versions": {}}
    return Report(machine, None, [], [], 9.0, seq2seq_rows_from(outcomes, torch_installed))


def row(report: Report, task: str, world: str, threads: str = TUNED):
    return next(r for r in report.seq2seq if (r.task, r.world, r.threads) == (task, world,
                                                                             threads))


def test_seq2seq_rows_give_tokens_per_second_and_the_ratio_to_pytorch():
    report = fake_report()
    legacy = row(report, LEGACY_TRAIN, "tf1")
    assert legacy.median_ms == pytest.approx(100.0)
    assert legacy.sequences_per_second == pytest.approx(640.0)
    assert legacy.tokens_per_second == pytest.approx(12800.0)
    assert legacy.vs_torch == pytest.approx(2.0)                   # 100 ms against 200 ms
    assert row(report, GREEDY, "tf1").vs_torch == pytest.approx(0.5)
    assert row(report, BEAM, "torch").vs_torch == pytest.approx(1.0)
    assert [(r.task, r.world, r.threads) for r in report.seq2seq][:4] == [
        (LEGACY_TRAIN, "tf1", TUNED), (LEGACY_TRAIN, "torch", TUNED),
        (GREEDY, "tf1", TUNED), (GREEDY, "tf1", DEFAULT)]           # PyTorch last in a task


def test_seq2seq_section_of_the_table_and_the_json():
    report = fake_report()
    table = format_table(report)
    assert "vocabulary 1000" in table and "legacy_seq2seq.embedding_attention_seq2seq" in table
    assert "GRUCell(256)" in table and "width 10" in table
    line = next(x for x in table.splitlines() if x.strip().startswith("model_with_buckets"))
    assert "(20, 20)" in line and "100.00" in line and "90.0-120.0" in line
    assert "12,800" in line and "2.00x" in line
    assert "(default threads)" in table and "failed: MemoryError: boom" in table
    data = json.loads(to_json(report))
    legacy = next(r for r in data["seq2seq"] if r["task"] == LEGACY_TRAIN)
    assert legacy["tokens_per_second"] == pytest.approx(12800.0)
    assert data["seq2seq_sizes"]["beam_width"] == 10


def test_missing_torch_gives_skipped_seq2seq_rows_and_no_ratio():
    report = fake_report(torch_installed=False)
    assert row(report, BEAM, "torch").status == SKIPPED_TORCH
    assert row(report, GREEDY, "tf1").vs_torch is None
    assert format_table(report).count(SKIPPED_TORCH) == 3
