"""The seq2seq decoder explainer: the tree it reports, the checks behind it, its command.

Structural claims are read from the tree; numeric claims are re-checked here on the run's
values where they are cheap (not only through the explainer's own flags), and every check
function is shown to fail on a deliberately wrong input.
"""

from __future__ import annotations

import argparse

import numpy as np
import pytest
from beam_search_reference import kernel_gather_tree
from conftest import run_python

from tf1_lstm.contrib.seq2seq.attention_wrapper import AttentionWrapperState
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoderOutput
from tf1_lstm.contrib.seq2seq.beam_search_decoder import (
    BeamSearchDecoderState,
    FinalBeamSearchDecoderOutput,
)
from tf1_lstm.inspect import (
    InspectError,
    add_arguments,
    format_decoder_inspection,
    inspect_decoder,
    main,
)
from tf1_lstm.inspect import decoder_checks as checks

# The defaults, typed in again: batch 4, T_memory 3, H 5, V 7, A 6, beam 3, lengths 3,2,1,3.
B, T_MEMORY, H, V, A, W = 4, 3, 5, 7, 6, 3
DEFAULT_LENGTHS = np.array([3, 2, 1, 3])
EOS = 1


@pytest.fixture(scope="module")
def training():
    return inspect_decoder("training")


@pytest.fixture(scope="module")
def training_bahdanau():
    return inspect_decoder("training", "bahdanau")


@pytest.fixture(scope="module")
def greedy_luong_gru():
    return inspect_decoder("greedy", "luong", cell="gru", seed=1)


@pytest.fixture(scope="module")
def beam():
    return inspect_decoder("beam")


@pytest.fixture(scope="module")
def beam_luong_unknown_batch():
    return inspect_decoder("beam", "luong", unknown_batch=True)


ALL = ["training", "training_bahdanau", "greedy_luong_gru", "beam", "beam_luong_unknown_batch"]


# --- every check passes ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_every_check_passes_for_each_decoder_and_attention(name, request):
    inspection = request.getfixturevalue(name)
    assert inspection.checks and inspection.passed, [c for c in inspection.checks if not c.passed]
    names = {check.name for check in inspection.checks}
    if inspection.options.attention != "none":
        assert {"alignments_sum_to_one", "alignments_are_zero_past_memory_sequence_length",
                "alignments_are_the_mechanisms_softmax", "time_is_the_number_of_steps",
                "attention_is_the_attention_layer_over_h_and_context"} <= names
    if inspection.options.decoder == "beam":
        assert {"predicted_ids_are_gather_tree_of_the_step_ids", "beams_are_sorted_best_first",
                "beam_lengths_end_at_the_first_end_token"} <= names
    else:
        assert "sample_id_is_argmax_of_rnn_output" in names


# --- BasicDecoder ------------------------------------------------------------------------------


def test_training_outputs_are_a_basic_decoder_output_of_logits_and_ids(training):
    assert isinstance(training.outputs, BasicDecoderOutput)
    rnn_output, sample_id = training.node("outputs.rnn_output"), training.node("outputs.sample_id")
    assert (rnn_output.shape, rnn_output.run_shape, rnn_output.axes) == (
        (B, None, V), (B, T_MEMORY, V), "[B, T, V]")
    assert (sample_id.dtype, sample_id.shape, sample_id.run_shape) == ("int32", (B, None),
                                                                       (B, T_MEMORY))
    assert training.node("final_state").type_name == "LSTMStateTuple"
    assert training.node("final_state.h").shape == (B, H)


def test_training_lengths_are_the_helpers_and_outputs_are_zero_past_them(training):
    np.testing.assert_array_equal(training.final_sequence_lengths, DEFAULT_LENGTHS)
    rnn_output = training.outputs.rnn_output
    past = np.arange(T_MEMORY) >= DEFAULT_LENGTHS[:, None]
    assert np.all(rnn_output[past] == 0) and np.all(np.abs(rnn_output[~past]).max(-1) > 0)
    # The last valid logits are Dense(V) of the final h (copied through past the end).
    last = rnn_output[np.arange(B), DEFAULT_LENGTHS - 1]
    expected = training.final_state.h @ training.variable("decoder/dense/kernel") + \
        training.variable("decoder/dense/bias")
    np.testing.assert_allclose(last, expected, atol=1e-5)


def test_attention_wrapper_state_fields(training_bahdanau):
    state = training_bahdanau.final_state
    assert isinstance(state, AttentionWrapperState)
    shapes = {field: training_bahdanau.node(f"final_state.{field}").shape
              for field in ("attention", "time", "alignments", "attention_state")}
    assert shapes == {"attention": (B, A), "time": (), "alignments": (B, T_MEMORY),
                      "attention_state": (B, T_MEMORY)}
    history = training_bahdanau.node("final_state.alignment_history")
    assert (history.type_name, history.shape, history.run_shape) == (
        "TensorArray", (B, T_MEMORY), (T_MEMORY, B, T_MEMORY))
    assert training_bahdanau.node("final_state.cell_state").type_name == "LSTMStateTuple"
    assert state.time == T_MEMORY
    np.testing.assert_allclose(state.alignments.sum(-1), 1.0, atol=1e-6)
    assert np.all(state.alignments[np.arange(T_MEMORY) >= DEFAULT_LENGTHS[:, None]] == 0)
    rows = np.arange(B)
    np.testing.assert_array_equal(state.alignment_history[DEFAULT_LENGTHS - 1, rows],
                                  state.alignments)


def test_greedy_decoder_with_a_gru_and_luong_attention(greedy_luong_gru):
    inspection = greedy_luong_gru
    assert inspection.options.maximum_iterations == 2 * 3
    assert inspection.node("final_state.cell_state").shape == (B, H)  # a GRU: one Tensor
    ids = inspection.outputs.sample_id
    np.testing.assert_array_equal(ids, inspection.outputs.rnn_output.argmax(-1))
    for b, length in enumerate(inspection.final_sequence_lengths):
        assert EOS not in ids[b, :length - 1]
        assert ids[b, length - 1] == EOS or length == ids.shape[1]
    assert "GreedyEmbeddingHelper" in inspection.code


def test_training_tree_text(training_bahdanau):
    text = format_decoder_inspection(training_bahdanau)
    for line_start in ("outputs: BasicDecoderOutput", "  outputs.rnn_output ",
                       "final_state: AttentionWrapperState"):
        assert any(line.startswith(line_start) for line in text.splitlines()), line_start
    assert "[4, ?, 7] -> [4, 3, 7]" in text
    assert "[4, 3] each, .stack() -> [3, 4, 3]" in text
    assert "dynamic_decode returns (outputs, final_state, final_sequence_lengths)" in text
    assert "FAILED" not in text


# --- beam search -------------------------------------------------------------------------------


def test_beam_search_tree(beam):
    assert isinstance(beam.outputs, FinalBeamSearchDecoderOutput)
    assert isinstance(beam.final_state, BeamSearchDecoderState)
    for path in ("outputs.predicted_ids", "outputs.beam_search_decoder_output.scores",
                 "outputs.beam_search_decoder_output.predicted_ids",
                 "outputs.beam_search_decoder_output.parent_ids"):
        node = beam.node(path)
        assert (node.shape, node.axes) == ((B, None, W), "[B, T, beam]"), path
    assert beam.node("final_state.cell_state.h").shape == (B, W, H)
    assert (beam.node("final_state.lengths").dtype, beam.node("final_state.lengths").shape) == (
        "int64", (B, W))
    assert beam.node("final_sequence_lengths").shape == (B, W)
    assert beam.node("final_state.accumulated_attention_probs").length == 0


def test_beam_predicted_ids_are_the_kernels_gather_tree_and_best_first(beam):
    step = beam.outputs.beam_search_decoder_output
    lengths = beam.final_state.lengths
    expected = kernel_gather_tree(step.predicted_ids.transpose(1, 0, 2),
                                  step.parent_ids.transpose(1, 0, 2), lengths.max(1), EOS)
    np.testing.assert_array_equal(beam.outputs.predicted_ids, expected.transpose(1, 0, 2))
    assert np.all(np.diff(step.scores, axis=-1) <= 0)
    np.testing.assert_array_equal(beam.final_state.log_probs, step.scores[:, -1, :])


def test_beam_history_is_reordered_only_when_the_batch_is_unknown(beam_luong_unknown_batch):
    history = beam_luong_unknown_batch.node("final_state.cell_state.alignment_history")
    steps = beam_luong_unknown_batch.outputs.predicted_ids.shape[1]
    assert (history.type_name, history.shape, history.run_shape) == (
        "Tensor", (None, None, T_MEMORY), (steps, B * W, T_MEMORY))
    assert beam_luong_unknown_batch.node("outputs.predicted_ids").shape == (None, None, W)
    assert any("one step behind" in note for note in beam_luong_unknown_batch.notes)


# --- a wrong claim fails -----------------------------------------------------------------------


def test_each_check_fails_on_a_perturbed_array(training_bahdanau, beam_luong_unknown_batch):
    outputs, state = training_bahdanau.outputs, training_bahdanau.final_state
    lengths = training_bahdanau.final_sequence_lengths
    wrong_ids = outputs.sample_id.copy()
    wrong_ids[0, 0] += 1
    assert not checks.sample_id_is_argmax(outputs.rnn_output, wrong_ids).passed
    assert not checks.lengths_are_the_given_lengths(lengths, lengths + 1).passed
    assert not checks.alignments_sum_to_one(1.01 * state.alignments, state.alignment_history,
                                            "").passed
    rolled = np.roll(state.alignment_history, 1, axis=0)
    assert not checks.history_ends_at_the_final_alignments(rolled, state.alignments,
                                                           lengths).passed
    weights = {v.short_name: v.value for v in training_bahdanau.variables}
    memory = training_bahdanau.memory
    memory_lengths = np.asarray(training_bahdanau.options.memory_lengths)
    h = state.cell_state.h
    right = checks.alignments_are_the_mechanism_scores("bahdanau", state.alignments, h, memory,
                                                       memory_lengths, weights, "")
    wrong = checks.alignments_are_the_mechanism_scores("bahdanau", state.alignments, h + 0.5,
                                                       memory, memory_lengths, weights, "")
    assert right.passed and not wrong.passed

    beams = beam_luong_unknown_batch
    step, final = beams.outputs.beam_search_decoder_output, beams.final_state
    wrong_final = beams.outputs.predicted_ids.copy()
    wrong_final[0, 0, 0] = (wrong_final[0, 0, 0] + 1) % V
    assert not checks.predicted_ids_are_gather_tree(wrong_final, step.predicted_ids,
                                                    step.parent_ids, final.lengths, EOS).passed
    assert not checks.beams_are_sorted_best_first(step.scores[..., ::-1]).passed
    # The history's last row is in slot order: claiming it follows the beams fails where the
    # last step moved a beam.
    identity = np.broadcast_to(np.arange(W), step.parent_ids.shape)
    assert np.any(step.parent_ids[:, -1, :] != identity[:, -1, :])
    cell_state = final.cell_state
    assert not checks.final_alignments_follow_the_last_parents(
        cell_state.alignments, cell_state.alignment_history, identity).passed


def test_numpy_gather_tree_matches_the_kernel_reference_on_random_beams():
    rng = np.random.default_rng(3)
    steps, batch, width = 6, 3, 4
    step_ids = rng.integers(0, 5, (steps, batch, width)).astype(np.int32)
    parent_ids = rng.integers(0, width, (steps, batch, width)).astype(np.int32)
    lengths = np.array([6, 3, 0])
    np.testing.assert_array_equal(checks.gather_tree_reference(step_ids, parent_ids, lengths, 2),
                                  kernel_gather_tree(step_ids, parent_ids, lengths, 2))


# --- options and the command -------------------------------------------------------------------


@pytest.mark.parametrize(("options", "named"), [
    ({"decoder": "sampled"}, "--decoder"),
    ({"attention": "monotonic"}, "--attention"),
    ({"decoder": "training", "beam_width": 2}, "--beam-width"),
    ({"decoder": "beam", "beam_width": 8}, "--beam-width <= --vocab"),
    ({"vocab": 2}, "--vocab"),
    ({"sequence_length": [3, 0, 2]}, "between 1 and steps=3"),
    ({"sequence_length": [3, 2], "batch": 4}, "2 sequence_length values but batch=4"),
])
def test_bad_decoder_options_are_refused_with_the_option_named(options, named):
    with pytest.raises(InspectError) as caught:
        inspect_decoder(**options)
    assert named in str(caught.value)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.mark.parametrize(("argv", "named"), [
    (("--attention", "luong"), "--attention is for the seq2seq decoders"),
    (("--beam-width", "2"), "--beam-width is for the seq2seq decoders"),
    (("--vocab", "9"), "--vocab is for the seq2seq decoders"),
    (("--decoder", "greedy", "--beam-width", "2"), "--beam-width is for --decoder beam"),
    (("--decoder", "greedy", "--mode", "static"), "--mode static does not go with --decoder"),
    (("--decoder", "beam", "--layers", "2"), "--layers does not go with --decoder"),
    (("--decoder", "training", "--x-batch-001"), "--x-batch-001 does not go with --decoder"),
])
def test_cli_refuses_options_that_do_not_go_together(argv, named):
    with pytest.raises(InspectError) as caught:
        main(parse(*argv))
    assert named in str(caught.value) and "\n" not in str(caught.value)


def test_cli_help_describes_the_decoder_options():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    text = " ".join(parser.format_help().split())
    for words in ("--decoder {training,greedy,beam}", "--attention {none,bahdanau,luong}",
                  "--beam-width N", "--vocab V", "BeamSearchDecoder", "GreedyEmbeddingHelper"):
        assert words in text
    assert parse().decoder is None and parse().cell == "rnn"  # the RNN inspection by default


def test_cli_beam_search_with_bahdanau_attention_prints_the_tree():
    result = run_python("", "-m", "tf1_lstm", "inspect", "--decoder", "beam", "--attention",
                        "bahdanau")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # The decoders' defaults: BasicLSTMCell(5) over 3 source steps.
    assert any("tf.contrib.rnn.BasicLSTMCell(num_units=5)" in line for line in lines)
    for start, words in [
            ("outputs: FinalBeamSearchDecoderOutput", ()),
            ("  outputs.predicted_ids ", ("Tensor int32", "[B, T, beam]", "[4, ?, 3] -> ")),
            ("    outputs.beam_search_decoder_output.parent_ids ", ("[B, T, beam]",)),
            ("  final_state.cell_state: AttentionWrapperState", ()),
            ("    final_state.cell_state.alignments ", ("[B, beam, T_memory]", "[4, 3, 3]")),
            ("    final_state.cell_state.alignment_history ", ("TensorArray float32",)),
            ("final_sequence_lengths ", ("[B, beam]",))]:
        (line,) = [line for line in lines if line.startswith(start)]
        assert all(word in line for word in words), line
    assert "FAILED" not in result.stdout and result.stderr == ""
