"""What ``grid_cells``' frequency LSTMs are built of: windows, one LSTM update, state slices.

``TimeFreqLSTMCell``, ``GridLSTMCell`` and ``BidirectionalGridLSTMCell`` cut a step's input
x [B, I] into frequency windows x_k [B, F] (``_windows``) and run LSTM updates along them;
the equations are in ``grid_cells``' docstring. Here, once for all three:

- ``_lstm_update``: c = F * c_prev + I * tanh(j) (clipped), F = 1 - I with coupled gates, the
  gates' pre-activations from ``_split_gates`` plus the peephole terms of ``_plus_peepholes``;
- ``_windows``, ``_input_size``, ``_batch_size``: the windows, and the sizes they need;
- ``_concatenated_state``: window k's (c, m) read from a concatenated [B, 2 K H] state;
- ``_set_window_lstm_options``: the constructor options TimeFreq and Grid share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.errors import Tf1LstmError

_v1 = _tf2.compat.v1


class FrequencyWindowError(Tf1LstmError, ValueError):
    """The frequency windows asked for do not fit the input or the block lists."""


# --- one LSTM update (c, then m = sigmoid(o + peepholes) * tanh(c)): shared by every cell ---

def _plus_peepholes(pre_activation, peepholes: Sequence[tuple]):
    """pre_activation + w_1 * c_1 + w_2 * c_2 ..., left to right as TF1 added them."""
    for weight, cell in peepholes:
        pre_activation = pre_activation + weight * cell
    return pre_activation


def _lstm_update(gates: dict, c_prev, peepholes: Callable[[str], list], forget_bias: float,
                 cell_clip: float | None):
    """c = F * c_prev + I * tanh(j), clipped; F = 1 - I without an f gate (coupled gates).
    ``peepholes(gate)``: the (diagonal weight, cell) pairs gate "I" or "F" sees."""
    input_gate = _v1.sigmoid(_plus_peepholes(gates["i"], peepholes("I")))
    if gates.get("f") is None:
        forget_gate = 1.0 - input_gate
    else:
        forget_gate = _v1.sigmoid(_plus_peepholes(gates["f"] + forget_bias, peepholes("F")))
    c = forget_gate * c_prev + input_gate * _v1.tanh(gates["j"])
    if cell_clip is not None:
        c = _v1.clip_by_value(c, -cell_clip, cell_clip)
    return c


def _split_gates(z, kernel, bias, names: str) -> dict:
    """{"i": ..., "j": ..., ...} from z @ kernel + bias, columns in the order of `names`."""
    pre_activations = _v1.nn.bias_add(_v1.matmul(z, kernel), bias)
    return dict(zip(names, _v1.split(pre_activations, len(names), axis=1), strict=True))


# --- the frequency windows -------------------------------------------------------------------

def _input_size(x) -> int:
    size = _tf2.compat.dimension_value(x.shape.with_rank(2)[-1])
    if size is None:
        raise FrequencyWindowError(f"Cannot infer input_size from static shape inference: "
                                   f"inputs have shape {x.shape}; set the last dimension.")
    return size


def _windows(x, start: int, span: int, feature_size: int | None, frequency_skip: int | None):
    """The K = (span - F) // skip + 1 windows x[:, start + k * skip : ... + F], each [B, F]."""
    if feature_size is None or frequency_skip is None:
        raise FrequencyWindowError("The frequency windows need feature_size and frequency_skip;"
                                   f" got {feature_size} and {frequency_skip}.")
    count = (span - feature_size) // frequency_skip + 1
    return [_v1.slice(x, [0, start + k * frequency_skip], [-1, feature_size])
            for k in range(count)]


def _batch_size(x):
    return _tf2.compat.dimension_value(x.shape[0]) or _v1.shape(x)[0]


def _set_window_lstm_options(cell, num_units: int, use_peepholes: bool,
                             cell_clip: float | None, initializer, num_unit_shards: int,
                             forget_bias: float, feature_size: int | None,
                             frequency_skip: int | None) -> None:
    """The options TimeFreqLSTMCell and GridLSTMCell share. ``initializer`` is stored and
    never used, as in TF 1.15 (the variable scope's initializer applies)."""
    cell._num_units, cell._use_peepholes, cell._cell_clip = num_units, use_peepholes, cell_clip
    cell._initializer, cell._num_unit_shards = initializer, num_unit_shards
    cell._forget_bias = forget_bias
    cell._feature_size, cell._frequency_skip = feature_size, frequency_skip


def _concatenated_state(state, units: int) -> Callable[[int], tuple]:
    """k -> (c_k, m_k) = state[:, 2kH : (2k+1)H], state[:, (2k+1)H : (2k+2)H]."""
    return lambda k: (_v1.slice(state, [0, 2 * k * units], [-1, units]),
                      _v1.slice(state, [0, (2 * k + 1) * units], [-1, units]))
