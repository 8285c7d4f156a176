"""``tf.contrib.rnn``'s block cells on TF 2.21: one kernel op per step (or per sequence).

TF 1.x shipped C++ LSTM/GRU kernels behind ``LSTMBlockCell``, ``LSTMBlockFusedCell`` and
``GRUBlockCell(V2)``. The kernels survive in TF 2.21 as ``tf.raw_ops.LSTMBlockCell``,
``BlockLSTM`` and ``GRUBlockCell``; the Python cells around them went with ``tf.contrib``.
This module rebuilds those cells with TF1's semantics and TF1's variable names and shapes,
so TF1 checkpoints restore and the numbers match the core cells:

- ``LSTMBlockCell``      == ``LSTMCell`` (and ``BasicLSTMCell``) given the same weights
- ``LSTMBlockFusedCell`` == ``LSTMBlockCell`` under ``dynamic_rnn``, in one op over time
- ``GRUBlockCellV2``     == ``GRUCell``; ``GRUBlockCell`` is the same math, older names

What the kernels really do (read in ``tensorflow/core/kernels/rnn/lstm_ops.{h,cc}`` and
checked by ``tests/test_contrib_block_cells.py``):

- ``LSTMBlockCell`` and ``BlockLSTM`` split the 4H gate columns as **i, j, f, o** (the C++
  calls it "ICFO", c being the candidate j): BasicLSTMCell's order. The op docstring's
  ``[i, f, ci, o]`` is wrong. Both add the ``forget_bias`` attribute to f before the sigmoid,
  and both clip the cell only when ``cell_clip > 0``; their *default* ``cell_clip`` is 3.0,
  so "no clipping" (TF1's ``cell_clip=None``) must be passed as -1.
- ``BlockLSTMV2`` splits as i, f, j, o and has no ``forget_bias`` (the kernel uses 0). TF1's
  ``LSTMBlockFusedCell`` used ``BlockLSTM``, so we do too.
- ``GRUBlockCell`` computes ``[r, u] = [x, h] @ w_ru + b_ru`` and ``h = u * h + (1 - u) * c``:
  GRUCell's order and update rule.
- TF 2.21 registers gradients for ``BlockLSTM`` only; the ``LSTMBlockCell`` and
  ``GRUBlockCell`` gradients that TF1's contrib registered are registered here.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import NumUnitsLSTMState, NumUnitsStateAndOutput
from tf1_lstm.contrib.rnn.fused_rnn import LSTMBlockWrapper
from tf1_lstm.errors import Tf1LstmError

# isort: split
# TF1's LayerRNNCell, the base of BasicLSTMCell, GRUCell and (in TF1) contrib's block cells.
# Its __call__ skips RNNCell's get_variable-capturing scope (the variables come from build),
# so the block cells get the same variable and op names as those cells. It lives in tf_keras
# beside the cells tf.compat.v1.nn.rnn_cell serves, and is not exported.
from tf_keras.src.layers.rnn.legacy_cells import LayerRNNCell

_v1 = _tf2.compat.v1
_ops = _tf2.raw_ops
# tf_keras runs a user layer's `call` through AutoGraph, which rewrites nothing here (no
# tensor-dependent Python control flow) but wraps our clear errors in StagingError.
_plain_python = _tf2.autograph.experimental.do_not_convert
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple


class BlockCellDtypeError(Tf1LstmError, TypeError):
    """A block cell was given a dtype its C++ kernel has no implementation for."""


def _check_dtype(cell: str, dtype, allowed: tuple, alternative: str) -> None:
    if _tf2.as_dtype(dtype).base_dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise BlockCellDtypeError(
            f"{cell} runs a C++ kernel that only exists for {names} (TF1's did too), "
            f"not {_tf2.as_dtype(dtype).name}. Cast the inputs, or use {alternative}, "
            "which computes the same thing in any float dtype."
        )


def _no_clip(cell_clip: float | None) -> float:
    # The kernels clip only when cell_clip > 0, and the raw ops default to 3.0: TF1's Python
    # wrappers passed -1 for "no clipping", and so must we.
    return -1.0 if cell_clip is None else float(cell_clip)


def _set_lstm_options(cell, num_units: int, forget_bias: float, cell_clip: float | None,
                      use_peephole: bool) -> None:
    """The options LSTMBlockCell and LSTMBlockFusedCell share (different base classes)."""
    cell._num_units = num_units
    cell._forget_bias = forget_bias
    cell._cell_clip = _no_clip(cell_clip)
    cell._use_peephole = use_peephole


# --- gradients TF 2.21 does not register (TF1's contrib/rnn registered these) ---------------

def _lstm_block_cell_grad(op, *grads):
    """Backprop through one LSTMBlockCell step; the kernel returns d[i, j, f, o] ("dicfo")."""
    x, cs_prev, h_prev, w, wci, wcf, wco, b = op.inputs
    i, cs, f, o, ci, co, _ = op.outputs
    cs_grad, h_grad = grads[1], grads[6]
    cs_prev_grad, dicfo, wci_grad, wcf_grad, wco_grad = _ops.LSTMBlockCellGrad(
        x=x, cs_prev=cs_prev, h_prev=h_prev, w=w, wci=wci, wcf=wcf, wco=wco, b=b,
        i=i, cs=cs, f=f, o=o, ci=ci, co=co, cs_grad=cs_grad, h_grad=h_grad,
        use_peephole=op.get_attr("use_peephole"))
    # gates = [x, h_prev] @ w + b, so the rest is a matmul's gradient.
    xh_grad = _v1.matmul(dicfo, w, transpose_b=True)                    # [B, I + H]
    x_grad, h_prev_grad = _v1.split(xh_grad, [_v1.shape(x)[1], -1], axis=1)
    w_grad = _v1.matmul(_v1.concat([x, h_prev], 1), dicfo, transpose_a=True)
    b_grad = _v1.reduce_sum(dicfo, axis=0)
    return x_grad, cs_prev_grad, h_prev_grad, w_grad, wci_grad, wcf_grad, wco_grad, b_grad


def _gru_block_cell_grad(op, *grads):
    """Backprop through one GRUBlockCell step; the kernel returns d(pre-activations)."""
    x, h_prev, w_ru, w_c, b_ru, b_c = op.inputs
    r, u, c, _ = op.outputs
    d_x, d_h_prev, d_c_bar, d_r_bar_u_bar = _ops.GRUBlockCellGrad(
        x=x, h_prev=h_prev, w_ru=w_ru, w_c=w_c, b_ru=b_ru, b_c=b_c, r=r, u=u, c=c,
        d_h=grads[3])
    # [r_bar, u_bar] = [x, h_prev] @ w_ru + b_ru;  c_bar = [x, r * h_prev] @ w_c + b_c
    d_w_ru = _v1.matmul(_v1.concat([x, h_prev], 1), d_r_bar_u_bar, transpose_a=True)
    d_w_c = _v1.matmul(_v1.concat([x, h_prev * r], 1), d_c_bar, transpose_a=True)
    d_b_ru = _v1.reduce_sum(d_r_bar_u_bar, axis=0)
    d_b_c = _v1.reduce_sum(d_c_bar, axis=0)
    return d_x, d_h_prev, d_w_ru, d_w_c, d_b_ru, d_b_c


for _op_type, _grad in (("LSTMBlockCell", _lstm_block_cell_grad),
                        ("GRUBlockCell", _gru_block_cell_grad)):
    try:
        _v1.RegisterGradient(_op_type)(_grad)
    except KeyError:  # already registered (a newer TensorFlow, or a module reload): keep it
        pass


def _input_depth(inputs_shape, rank: int, axis: int, cell: str) -> int:
    shape = _tf2.TensorShape(inputs_shape)
    if shape.rank != rank:
        raise ValueError(f"{cell} expects inputs of rank {rank}, got shape {shape}.")
    depth = _tf2.compat.dimension_value(shape[axis])
    if depth is None:
        raise ValueError(f"{cell} needs the input depth (shape[{axis}]) known: {shape}.")
    return depth


# --- LSTM ----------------------------------------------------------------------------------

def _add_lstm_weights(cell, input_size: int) -> None:
    """TF1's LSTM block variables: kernel [I + H, 4H], bias [4H] (zeros), peepholes [H]."""
    units = cell._num_units
    cell._kernel = cell.add_weight("kernel", [input_size + units, 4 * units])
    cell._bias = cell.add_weight("bias", [4 * units], initializer=_v1.zeros_initializer())
    if cell._use_peephole:
        cell._w_i_diag = cell.add_weight("w_i_diag", [units])
        cell._w_f_diag = cell.add_weight("w_f_diag", [units])
        cell._w_o_diag = cell.add_weight("w_o_diag", [units])


def _peepholes(cell, dtype) -> tuple:
    """The (w_i_diag, w_f_diag, w_o_diag) inputs; the ops take zeros when peepholes are off."""
    if cell._use_peephole:
        return cell._w_i_diag, cell._w_f_diag, cell._w_o_diag
    zeros = _v1.zeros([cell._num_units], dtype=dtype)
    return zeros, zeros, zeros


class LSTMBlockCell(NumUnitsLSTMState, LayerRNNCell):
    """``tf.contrib.rnn.LSTMBlockCell``: one LSTM step in one C++ op.

    Variables (TF1's names; the defaults match ``LSTMCell``'s, so its checkpoints restore):
    ``lstm_cell/kernel`` [I + H, 4H], ``lstm_cell/bias`` [4H] (zeros), and with
    ``use_peephole`` ``w_i_diag``, ``w_f_diag``, ``w_o_diag`` [H]. The 4H columns are the
    gates **i, j, f, o**, BasicLSTMCell's order::

        i, j, f, o = split([x, h_prev] @ kernel + bias, 4, axis=1)   # each [B, H]
        c = sigmoid(f + forget_bias + w_f_diag * c_prev) * c_prev
            + sigmoid(i + w_i_diag * c_prev) * tanh(j)
        c = clip(c, -cell_clip, cell_clip)                        # only if cell_clip > 0
        h = sigmoid(o + w_o_diag * c) * tanh(c)                   # w_*_diag = 0 unless peephole

    State: ``LSTMStateTuple(c, h)``, each [B, H]; output: h.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0,
                 cell_clip: float | None = None, use_peephole: bool = False,
                 dtype=None, reuse=None, name: str = "lstm_cell") -> None:
        # Argument order as TF1 (dtype before reuse, unlike LSTMBlockFusedCell).
        super().__init__(_reuse=reuse, dtype=dtype, name=name)
        _set_lstm_options(self, num_units, forget_bias, cell_clip, use_peephole)

    def build(self, inputs_shape) -> None:
        _add_lstm_weights(self, _input_depth(inputs_shape, 2, 1, type(self).__name__))
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        _check_dtype("LSTMBlockCell", inputs.dtype, (_tf2.float16, _tf2.float32),
                     "tf.nn.rnn_cell.LSTMCell")
        if len(state) != 2:
            raise ValueError("Expecting state to be a tuple with length 2.")
        c_prev, h_prev = state
        wci, wcf, wco = _peepholes(self, inputs.dtype)
        _, c, _, _, _, _, h = _ops.LSTMBlockCell(
            x=inputs, cs_prev=c_prev, h_prev=h_prev, w=self._kernel, wci=wci, wcf=wcf,
            wco=wco, b=self._bias, forget_bias=self._forget_bias, cell_clip=self._cell_clip,
            use_peephole=self._use_peephole)
        return h, LSTMStateTuple(c, h)


class LSTMBlockFusedCell(LSTMBlockWrapper):
    """``tf.contrib.rnn.LSTMBlockFusedCell``: the whole sequence in one ``BlockLSTM`` op.

    Not an RNNCell (as in TF1): call it on the full, **time-major** sequence::

        outputs, state = cell(inputs, initial_state=None, dtype=None, sequence_length=None)

    ``inputs`` [T, B, I] (or a list of T [B, I] tensors: a list comes back); ``outputs``
    [T, B, H]; ``state`` ``LSTMStateTuple(c, h)`` at the last step. With ``sequence_length``
    [B] the outputs are zero past each row's length and the state is the one after the row's
    last valid step (the initial state for length 0), exactly as ``dynamic_rnn``.

    As in TF1 it is an ``LSTMBlockWrapper`` (``fused_rnn``), which does the default state,
    the list inputs, the masking and the final state; ``_call_cell`` here runs ``BlockLSTM``
    from the initial state and returns every step's c and h.

    Same math, gate order (i, j, f, o) and variables as ``LSTMBlockCell``, under
    ``lstm_fused_cell/``; pass ``name="lstm_cell"`` (inside the same variable scope) to read
    an ``LSTMCell`` checkpoint.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0,
                 cell_clip: float | None = None, use_peephole: bool = False,
                 reuse=None, dtype=None, name: str = "lstm_fused_cell") -> None:
        super().__init__(_reuse=reuse, dtype=dtype, name=name)
        _set_lstm_options(self, num_units, forget_bias, cell_clip, use_peephole)

    @property
    def num_units(self) -> int:
        return self._num_units

    def build(self, inputs_shape) -> None:
        _add_lstm_weights(self, _input_depth(inputs_shape, 3, 2, type(self).__name__))
        self.built = True

    def _call_cell(self, inputs, initial_cell_state, initial_output, dtype, sequence_length):
        """(cs, hs), each [T, B, H]: BlockLSTM over inputs [T, B, I] from (c0, h0) [B, H]."""
        _check_dtype("LSTMBlockFusedCell", inputs.dtype, (_tf2.float16, _tf2.float32),
                     "tf.nn.dynamic_rnn with tf.nn.rnn_cell.LSTMCell")
        if sequence_length is None:
            time_len = _tf2.compat.dimension_value(inputs.shape[0]) or _v1.shape(inputs)[0]
            seq_len_max = _v1.cast(time_len, _tf2.int64)
        else:
            seq_len_max = _v1.cast(_v1.reduce_max(sequence_length), _tf2.int64)
        # The zero peepholes take the inputs' dtype (TF1: `dtype`, the same in every call
        # the op accepts).
        wci, wcf, wco = _peepholes(self, inputs.dtype)
        # Steps at t >= seq_len_max are not computed: the op writes zeros there.
        _, cs, _, _, _, _, hs = _ops.BlockLSTM(
            seq_len_max=seq_len_max, x=inputs, cs_prev=initial_cell_state,
            h_prev=initial_output, w=self._kernel, wci=wci, wcf=wcf, wco=wco, b=self._bias,
            forget_bias=self._forget_bias, cell_clip=self._cell_clip,
            use_peephole=self._use_peephole)
        return cs, hs


# --- GRU -----------------------------------------------------------------------------------

class GRUBlockCell(NumUnitsStateAndOutput, LayerRNNCell):
    """``tf.contrib.rnn.GRUBlockCell``: one GRU step in one C++ op (TF1's original names).

    Variables under ``gru_cell/``: ``w_ru`` [I + H, 2H], ``b_ru`` [2H] (ones), ``w_c``
    [I + H, H], ``b_c`` [H] (zeros). The 2H gate columns are **r, u** (GRUCell's order)::

        r, u = split(sigmoid([x, h_prev] @ w_ru + b_ru), 2, axis=1)   # each [B, H]
        c = tanh([x, r * h_prev] @ w_c + b_c)
        h = u * h_prev + (1 - u) * c

    State and output: h [B, H]. ``GRUBlockCellV2`` is the same cell with GRUCell's names.
    """

    _names = {"gate_kernel": "w_ru", "gate_bias": "b_ru",
              "candidate_kernel": "w_c", "candidate_bias": "b_c"}

    def __init__(self, num_units: int | None = None, cell_size: int | None = None,
                 reuse=None, name: str = "gru_cell") -> None:
        super().__init__(_reuse=reuse, name=name)
        if (cell_size is None) == (num_units is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        self._num_units = num_units if num_units is not None else cell_size  # TF1: _cell_size

    def build(self, inputs_shape) -> None:
        input_size = _input_depth(inputs_shape, 2, 1, type(self).__name__)
        units, names = self._num_units, self._names
        self._gate_kernel = self.add_weight(names["gate_kernel"], [input_size + units, 2 * units])
        self._gate_bias = self.add_weight(names["gate_bias"], [2 * units],
                                          initializer=_v1.constant_initializer(1.0))
        self._candidate_kernel = self.add_weight(names["candidate_kernel"],
                                                 [input_size + units, units])
        self._candidate_bias = self.add_weight(names["candidate_bias"], [units],
                                               initializer=_v1.zeros_initializer())
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        _check_dtype(type(self).__name__, inputs.dtype, (_tf2.float32,),
                     "tf.nn.rnn_cell.GRUCell")
        h_prev = state
        cell_size = _tf2.compat.dimension_value(h_prev.shape.with_rank(2)[1])
        if cell_size is not None and cell_size != self._num_units:
            raise ValueError(f"Shape of h_prev[1] incorrect: cell_size {self._num_units} "
                             f"vs {cell_size}")
        _, _, _, h = _ops.GRUBlockCell(
            x=inputs, h_prev=h_prev, w_ru=self._gate_kernel, w_c=self._candidate_kernel,
            b_ru=self._gate_bias, b_c=self._candidate_bias)
        return h, h


class GRUBlockCellV2(GRUBlockCell):
    """``tf.contrib.rnn.GRUBlockCellV2``: ``GRUBlockCell`` with ``GRUCell``'s variable names.

    ``gru_cell/gates/kernel``, ``gates/bias``, ``candidate/kernel``, ``candidate/bias``:
    a ``GRUCell`` checkpoint restores into it unchanged.
    """

    _names = {"gate_kernel": "gates/kernel", "gate_bias": "gates/bias",
              "candidate_kernel": "candidate/kernel", "candidate_bias": "candidate/bias"}
