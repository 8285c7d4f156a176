"""cuDNN's opaque parameter buffer <-> TF's canonical weights, without the GPU.

Three layouts of the same numbers (TF 1.15's ``CudnnParamsFormatConverter*`` names):

1. **opaque**: the 1-D ``opaque_kernel`` buffer of a ``CudnnLSTM``/``CudnnGRU`` layer. cuDNN
   packs *all* weight matrices first, then *all* biases; each group runs over the
   pseudo-layers (layer 0 fw, layer 0 bw, layer 1 fw, ...) and, inside one, over the gates,
   input matrices before recurrent ones. A matrix is [H, in_width], row-major::

       [ W_g.. R_g.. | W_g.. R_g.. | ... ][ bW_g.. bR_g.. | bW_g.. bR_g.. | ... ]
         pseudo-layer 0  pseudo-layer 1       pseudo-layer 0  pseudo-layer 1

   On TF 1.15 only the GPU kernel ``CudnnRNNCanonicalToParams`` wrote it, at the offsets
   cuDNN reports; this unpadded layout is the one MXNet's FusedRNNCell and Keras' cuDNN
   path read too. Checkpoints do not depend on it: the saveable writes canonical weights.
2. **cuDNN canonical**: those matrices and biases as a list, per gate. Gate orders: LSTM
   **i, f, c, o**; GRU **r, z, h**; RNN-tanh/relu one gate. in_width is input_size on layer 0
   and num_units * num_dirs above it.
3. **TF canonical**: the variables of the CudnnCompatible cells. Every gate whose two cuDNN
   biases only appear summed gets one bias ``b_W + b_R``; going back, each gets half of it
   (TF 1.15 does the same: no loss, a model only ever uses the sum). LSTM, per cell:
   ``kernel`` = transpose([W_g R_g] stacked over i, c, f, o) [in + H, 4H], ``bias`` [4H].
   GRU: ``gates/kernel`` (r, z) [in + H, 2H], ``candidate/input_projection/kernel`` = W_h^T,
   ``candidate/hidden_projection/kernel`` = R_h^T, ``gates/bias``, ``.../input_projection/bias``
   = bW_h and ``.../hidden_projection/bias`` = bR_h (kept apart: r multiplies only bR_h).
   The list is all weights (cell by cell), then all biases, as TF 1.15's.

Every conversion takes NumPy arrays (and returns NumPy arrays) or tensors/variables (and
returns graph tensors): the same slicing either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.cudnn_rnn import modes

_v1 = _tf2.compat.v1


@dataclass(frozen=True)
class _ArrayOps:
    """The three array functions the conversions need, for NumPy or for the graph."""

    reshape: Callable
    transpose: Callable
    concat: Callable          # (list, axis)


_NUMPY_OPS = _ArrayOps(np.reshape, np.transpose, lambda xs, axis: np.concatenate(xs, axis))
_GRAPH_OPS = _ArrayOps(_v1.reshape, _v1.transpose, lambda xs, axis: _v1.concat(xs, axis))


def _array_ops(arrays) -> _ArrayOps:
    return _NUMPY_OPS if all(isinstance(a, np.ndarray) for a in arrays) else _GRAPH_OPS


def _stitch(w: dict, r: dict, gates: str, ops: _ArrayOps):
    """One TF kernel [in + H, G*H] from per-gate W_g [H, in], R_g [H, H], gate columns in order."""
    rows = [ops.concat([w[g], r[g]], 1) for g in gates]                  # G x [H, in + H]
    return ops.transpose(ops.concat(rows, 0))


def _unstitch(kernel, gates: str, input_width: int, num_units: int, ops: _ArrayOps):
    """The inverse of ``_stitch``: ({g: W_g}, {g: R_g})."""
    rows = ops.transpose(kernel)                                         # [G*H, in + H]
    w, r = {}, {}
    for k, g in enumerate(gates):
        block = rows[k * num_units:(k + 1) * num_units]
        w[g], r[g] = block[:, :input_width], block[:, input_width:]
    return w, r


class CudnnParamsFormatConverter:
    """The conversions for one RNN configuration (TF 1.15's constructor and method names).

    ``opaque_to_tf_canonical(opaque)`` -> (weights, biases); ``tf_canonical_to_opaque(
    weights + biases)`` -> opaque. ``opaque_to_cu_canonical`` / ``cu_canonical_to_opaque`` go
    between the buffer and cuDNN's per-gate list. ``num_proj`` (LSTMP) and 'skip_input' are
    refused with ``CudnnUnsupportedOnCPU``.
    """

    _rnn_mode: str
    _cu_gates: str       # cuDNN's gate order
    _summed_gates: str   # the gates of TF's one summed kernel, in TF's column order
    tf_canonical_per_cell = 1   # TF canonical weights (and as many biases) per cell

    def __init__(self, num_layers: int, num_units: int, input_size: int, num_proj=None,
                 input_mode: str = modes.CUDNN_INPUT_LINEAR_MODE,
                 direction: str = modes.CUDNN_RNN_UNIDIRECTION) -> None:
        modes.check_no_projection(num_proj)
        modes.check_direction(direction)
        modes.check_linear_input(input_mode, input_size, num_units)
        self._num_layers, self._num_units, self._input_size = num_layers, num_units, input_size
        self._input_mode, self._direction = input_mode, direction
        self._num_dirs = 1 if direction == modes.CUDNN_RNN_UNIDIRECTION else 2
        self._num_params = modes.PARAMS_PER_LAYER[self._rnn_mode] * num_layers * self._num_dirs

    # --- the layout --------------------------------------------------------------------------

    def _input_width(self, pseudo_layer: int) -> int:
        layer = pseudo_layer // self._num_dirs
        return self._input_size if layer == 0 else self._num_units * self._num_dirs

    @property
    def _pseudo_layers(self) -> range:
        return range(self._num_layers * self._num_dirs)

    def cu_weight_shapes(self) -> list[tuple[int, int]]:
        """cuDNN's matrices in buffer order: per pseudo-layer, W_g [H, in] then R_g [H, H]."""
        units, gates = self._num_units, len(self._cu_gates)
        return [shape for p in self._pseudo_layers
                for shape in [(units, self._input_width(p))] * gates + [(units, units)] * gates]

    def cu_bias_shapes(self) -> list[tuple[int]]:
        return [(self._num_units,)] * self._num_params

    def opaque_size(self) -> int:
        """The buffer length: the canonical sizes exactly (cuDNN's standard layout, no padding)."""
        return sum(int(np.prod(s)) for s in self.cu_weight_shapes() + self.cu_bias_shapes())

    # --- opaque <-> cuDNN canonical ----------------------------------------------------------

    def opaque_to_cu_canonical(self, opaque) -> tuple[list, list]:
        ops = _array_ops([opaque])
        pieces, offset = [], 0
        for shape in self.cu_weight_shapes() + self.cu_bias_shapes():
            size = int(np.prod(shape))
            pieces.append(ops.reshape(opaque[offset:offset + size], shape))
            offset += size
        return pieces[:self._num_params], pieces[self._num_params:]

    def cu_canonical_to_opaque(self, cu_weights: list, cu_biases: list):
        ops = _array_ops(cu_weights + cu_biases)
        return ops.concat([ops.reshape(w, [-1]) for w in cu_weights] + list(cu_biases), 0)

    # TF 1.15's (private) names, which its tests and some scripts call.
    _opaque_to_cu_canonical = opaque_to_cu_canonical
    _cu_canonical_to_opaque = cu_canonical_to_opaque

    # --- cuDNN canonical <-> TF canonical, one cell ------------------------------------------

    def _cu_to_tf_cell(self, w: dict, r: dict, b_w: dict, b_r: dict, ops) -> tuple[list, list]:
        kernel = _stitch(w, r, self._summed_gates, ops)
        bias = ops.concat([b_w[g] + b_r[g] for g in self._summed_gates], 0)
        return [kernel], [bias]

    def _tf_to_cu_cell(self, weights: list, biases: list, input_width: int, ops):
        (kernel,), (bias,) = weights, biases
        w, r = _unstitch(kernel, self._summed_gates, input_width, self._num_units, ops)
        halves = {g: 0.5 * bias[k * self._num_units:(k + 1) * self._num_units]
                  for k, g in enumerate(self._summed_gates)}
        return w, r, halves, dict(halves)

    # --- opaque <-> TF canonical -------------------------------------------------------------

    def opaque_to_tf_canonical(self, opaque) -> tuple[list, list]:
        ops = _array_ops([opaque])
        cu_weights, cu_biases = self.opaque_to_cu_canonical(opaque)
        gates, count = self._cu_gates, len(self._cu_gates)
        tf_weights, tf_biases = [], []
        for p in self._pseudo_layers:
            cell_w = cu_weights[2 * count * p:2 * count * (p + 1)]
            cell_b = cu_biases[2 * count * p:2 * count * (p + 1)]
            weights, biases = self._cu_to_tf_cell(
                dict(zip(gates, cell_w[:count], strict=True)),
                dict(zip(gates, cell_w[count:], strict=True)),
                dict(zip(gates, cell_b[:count], strict=True)),
                dict(zip(gates, cell_b[count:], strict=True)), ops)
            tf_weights += weights
            tf_biases += biases
        return tf_weights, tf_biases

    def tf_canonical_to_opaque(self, tf_canonicals: list, weights_proj=None):
        """``tf_canonicals`` is weights + biases (TF 1.15's argument), cell by cell each."""
        if weights_proj is not None:
            modes.check_no_projection(len(weights_proj) or 1)
        ops = _array_ops(tf_canonicals)
        n = self.tf_canonical_per_cell
        half = n * len(self._pseudo_layers)
        if len(tf_canonicals) != 2 * half:
            raise ValueError(f"{type(self).__name__} expects {half} weights and {half} biases, "
                             f"got {len(tf_canonicals)} tensors.")
        cu_weights, cu_biases = [], []
        for p in self._pseudo_layers:
            w, r, b_w, b_r = self._tf_to_cu_cell(tf_canonicals[n * p:n * (p + 1)],
                                                 tf_canonicals[half + n * p:half + n * (p + 1)],
                                                 self._input_width(p), ops)
            cu_weights += [w[g] for g in self._cu_gates] + [r[g] for g in self._cu_gates]
            cu_biases += [b_w[g] for g in self._cu_gates] + [b_r[g] for g in self._cu_gates]
        return self.cu_canonical_to_opaque(cu_weights, cu_biases)


class CudnnParamsFormatConverterLSTM(CudnnParamsFormatConverter):
    """LSTM: cuDNN gates i, f, c, o -> one kernel with TF's columns i, c (TF's j), f, o."""

    _rnn_mode = modes.CUDNN_LSTM
    _cu_gates = "ifco"
    _summed_gates = "icfo"


class CudnnParamsFormatConverterGRU(CudnnParamsFormatConverter):
    """GRU: cuDNN gates r, z, h -> ``gates/kernel`` (r, z) and the two candidate kernels."""

    _rnn_mode = modes.CUDNN_GRU
    _cu_gates = "rzh"
    _summed_gates = "rz"
    tf_canonical_per_cell = 3

    def _cu_to_tf_cell(self, w, r, b_w, b_r, ops):
        (gate_kernel,), (gate_bias,) = super()._cu_to_tf_cell(w, r, b_w, b_r, ops)
        return ([gate_kernel, ops.transpose(w["h"]), ops.transpose(r["h"])],
                [gate_bias, b_w["h"], b_r["h"]])

    def _tf_to_cu_cell(self, weights, biases, input_width, ops):
        gate_kernel, input_kernel, hidden_kernel = weights
        gate_bias, input_bias, hidden_bias = biases
        w, r, b_w, b_r = super()._tf_to_cu_cell([gate_kernel], [gate_bias], input_width, ops)
        w["h"], r["h"] = ops.transpose(input_kernel), ops.transpose(hidden_kernel)
        b_w["h"], b_r["h"] = input_bias, hidden_bias
        return w, r, b_w, b_r


class CudnnParamsFormatConverterTanh(CudnnParamsFormatConverter):
    """RNN-tanh: one gate -> ``BasicRNNCell``'s ``kernel`` [in + H, H] and ``bias`` [H]."""

    _rnn_mode = modes.CUDNN_RNN_TANH
    _cu_gates = _summed_gates = "h"


class CudnnParamsFormatConverterRelu(CudnnParamsFormatConverterTanh):
    """RNN-relu: the same layout as RNN-tanh."""

    _rnn_mode = modes.CUDNN_RNN_RELU
