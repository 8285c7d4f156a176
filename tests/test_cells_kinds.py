"""The cell vocabulary (tf1_lstm.cells.kinds) is the single source of which cells exist.

Every command's ``--cell`` choices, the verify matrix, the NumPy reference, the port's
checkpoint reader and the claims' parameter counts take their kinds from it, so a kind added
there appears in all of them (checked with a fifth kind, in a fresh interpreter); and what it
says of each kind (class, scope, gate blocks, state) is what TensorFlow's cell really is.
"""

from __future__ import annotations

import math

import pytest
from conftest import run_python

from tf1_lstm.cells.hand import make_hand_cell
from tf1_lstm.cells.kinds import CELL_KINDS, layer_states, top_layer_h
from tf1_lstm.cells.reference import STEPS
from tf1_lstm.claims.parameters import KINDS as COUNTED_KINDS
from tf1_lstm.cli import build_parser
from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.inspect import CELLS as INSPECT_CELLS
from tf1_lstm.models.cells import make_cell, stack_cells
from tf1_lstm.port.tf1_rnn import CELL_CLASSES
from tf1_lstm.verify.matrix import CELLS as VERIFY_CELLS

I, H = 3, 4  # noqa: E741 - the docstrings' letters


def test_every_command_and_table_has_exactly_the_vocabularys_kinds():
    reset_graph()
    kinds = tuple(CELL_KINDS)
    assert kinds == ("lstm", "peephole", "gru", "rnn")
    parser = build_parser()
    for kind in kinds:
        assert parser.parse_args(["inspect", "--cell", kind]).cell == kind
        assert parser.parse_args(["verify", "--cell", kind]).cell == [kind]
    assert INSPECT_CELLS == VERIFY_CELLS == kinds
    assert set(STEPS) == set(COUNTED_KINDS) == set(kinds)  # each has a NumPy step and a count
    assert {CELL_KINDS[kind].scope: CELL_KINDS[kind].tf1_class for kind in kinds}.items() \
        <= CELL_CLASSES.items()


def test_a_kind_added_to_the_vocabulary_appears_in_every_command():
    """A fifth kind (UGRNNCell: one [I+H, 2H] kernel, gate and candidate) added to the
    vocabulary before anything else is imported reaches every command and table."""
    reset_graph()
    result = run_python("""
        import contextlib, dataclasses, io, sys
        from tf1_lstm.cells import kinds
        kinds.CELL_KINDS["ugrnn"] = dataclasses.replace(
            kinds.CELL_KINDS["rnn"], name="ugrnn", tf1_class="UGRNNCell", scope="ugrnn_cell",
            display_name="UGRNN (UGRNNCell)", gate_blocks=2, weight_blocks=2,
            keras_layer="ugrnn")

        import tf1_lstm.inspect as inspect
        from tf1_lstm.cli import build_parser
        from tf1_lstm.inspect.data import validated_options
        from tf1_lstm.inspect.format import code_lines
        from tf1_lstm.port.layouts import keras_layer_name
        from tf1_lstm.port.tf1_rnn import CELL_CLASSES, CELL_VARIABLE, _nothing_found
        from tf1_lstm.verify.matrix import full_matrix

        parser = build_parser()
        assert parser.parse_args(["inspect", "--cell", "ugrnn"]).cell == "ugrnn"
        assert parser.parse_args(["verify", "--cell", "ugrnn"]).cell == ["ugrnn"]
        help_text = io.StringIO()
        with contextlib.redirect_stdout(help_text), contextlib.suppress(SystemExit):
            parser.parse_args(["inspect", "--help"])
        assert "GRUCell, BasicRNNCell or UGRNNCell" in " ".join(help_text.getvalue().split())
        assert "ugrnn" in inspect.CELLS
        options, _ = validated_options("ugrnn", 1, 5, 2, 3, None, "dynamic", None, 0, None,
                                       False)
        assert "cell = tf.contrib.rnn.UGRNNCell(num_units=5)" in code_lines(options)
        cases = [case for case in full_matrix() if case.cell == "ugrnn"]
        assert cases and {case.forget_bias for case in cases} == {None}
        assert CELL_CLASSES["ugrnn_cell"] == "UGRNNCell"
        assert CELL_VARIABLE.match("rnn/ugrnn_cell/kernel")["cell"] == "ugrnn_cell"
        assert "ugrnn_cell/kernel" in str(_nothing_found({}))
        assert keras_layer_name(0, "ugrnn") == "ugrnn_0"
        assert "tensorflow" not in sys.modules, "the vocabulary's users pulled TensorFlow in"
        from tf1_lstm.claims.parameters import KINDS  # a TF1-world measurement: TF loads here
        assert KINDS == ("rnn", "ugrnn", "gru", "lstm", "peephole")
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("kind", list(CELL_KINDS))
def test_each_kind_says_what_tensorflows_cell_is(kind):
    """Class, options, scope, main kernel [I+H, gate_blocks H], parameter count and state."""
    reset_graph()
    spec = CELL_KINDS[kind]
    cell = make_cell(kind, H)
    assert type(cell).__name__ == spec.tf1_class
    x = tf.placeholder(tf.float32, [2, 5, I])
    tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    shapes = {v.op.name: v.shape.as_list() for v in tf.trainable_variables()}
    assert shapes[f"rnn/{spec.scope}/{spec.main_kernel}"] == [I + H, spec.gate_blocks * H]
    assert shapes[f"rnn/{spec.scope}/{spec.main_bias}"] == [spec.gate_blocks * H]
    count = sum(math.prod(shape) for shape in shapes.values())
    assert count == spec.weight_blocks * ((I + H) * H + H) + (3 * H if spec.peepholes else 0)
    assert spec.is_lstm == isinstance(cell.state_size, rnn.LSTMStateTuple)
    assert make_hand_cell(kind, H).default_name == spec.scope  # checkpoints interchange


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 3])
def test_top_layer_h_is_states_minus_one_h_of_a_stack_and_states_h_of_one_cell(kind, layers):
    reset_graph()
    cell = stack_cells([make_cell(kind, H) for _ in range(layers)])
    assert isinstance(cell, rnn.MultiRNNCell) == (layers > 1)
    x = tf.placeholder(tf.float32, [2, 5, I])
    outputs, states = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    stacked = layers > 1
    assert len(layer_states(states, stacked)) == layers
    top = states[-1] if stacked else states
    expected = top[1] if CELL_KINDS[kind].is_lstm else top  # states[-1][1] / states.h
    assert top_layer_h(states, kind, stacked) is expected
