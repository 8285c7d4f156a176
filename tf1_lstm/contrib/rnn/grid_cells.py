"""``tf.contrib.rnn``'s LSTMs that also recur along frequency, inside one time step.

TF 1.15's ``contrib/rnn/python/ops/rnn_cell.py`` built these for speech (Sainath & Li, 2016,
"Modeling Time-Frequency Patterns with LSTM vs. Convolutional Architectures for LVCSR";
Kalchbrenner et al., "Grid Long Short-Term Memory", ICLR 2016). A step's input x [B, I] is
cut into K windows x_k = x[:, start + k * frequency_skip :][:, :feature_size] ([B, F],
K = (end - start - F) // frequency_skip + 1); an LSTM walks along them, and every window
keeps its own state across time.

``TimeFreqLSTMCell`` (``W_0`` [F + 2H, 4H], ``B`` [4H], peepholes ``W_{F,I,O}_diag`` [H]),
window by window, m_freq = 0 before the first::

    i, j, f, o = split([x_k, m_time_k, m_freq] @ W + B, 4)               # each [B, H]
    c_k = sigmoid(f + forget_bias + W_F_diag * c_time_k) * c_time_k
          + sigmoid(i + W_I_diag * c_time_k) * tanh(j)                    # clipped to cell_clip
    m_k = sigmoid(o + W_O_diag * c_k) * tanh(c_k);   m_freq = m_k
    output = [m_0, ..., m_K-1]  [B, K H];   state = [c_0, m_0, c_1, m_1, ...]  [B, 2 K H]

``GridLSTMCell``: per block b and window k a frequency LSTM (``W_f_b_0``, ``B_f_b``) and a
time LSTM (``W_t_b_0``, ``B_t_b``, or F's with ``share_time_frequency_weights``) read the
same z = [x_k, m_time_k, m_freq]; gates i, j, f, o (i, j, o with
``couple_input_forget_gates``); each peephole sees both previous cells::

    I_X = sigmoid(i_X + W_I_diag_Xf * c_freq + W_I_diag_Xt * c_time_k)   # X = freq | time
    F_X = 1 - I_X  if coupled  else  sigmoid(f_X + forget_bias + W_F_diag_Xf * c_freq
                                                               + W_F_diag_Xt * c_time_k)
    c_F = F_freq * c_freq + I_freq * tanh(j_freq);  c_T = F_time * c_time_k + I_time * tanh(j_time)
    m_X = sigmoid(o_X + W_O_diag_Xf * c_F + W_O_diag_Xt * c_T) * tanh(c_X)    # c_X clipped
    (c_freq, m_freq) = (c_F, m_F) for window k + 1 (zeros before window 0)
    output = [m_T, m_F for every window of every block];  state = (c_T, m_T) per window

``BidirectionalGridLSTMCell`` runs the grid twice, under ``fwd/`` and ``bwd/`` (own weights),
the backward pass walking the windows from the highest frequency down.

The windows and the one LSTM update all three cells run are in ``frequency_lstm``.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import warn_if_concatenated_state
from tf1_lstm.contrib.rnn.frequency_lstm import (
    FrequencyWindowError,
    _batch_size,
    _concatenated_state,
    _input_size,
    _lstm_update,
    _plus_peepholes,
    _set_window_lstm_options,
    _split_gates,
    _windows,
)
from tf1_lstm.contrib.rnn.sharded_variables import concat_variable

__all__ = ["TimeFreqLSTMCell", "GridLSTMCell", "BidirectionalGridLSTMCell",
           "FrequencyWindowError"]

_v1 = _tf2.compat.v1
_RNNCell = _v1.nn.rnn_cell.RNNCell
# tf_keras runs a layer's `call` through AutoGraph: nothing here needs it (no tensor-dependent
# Python control flow), and it would wrap our clear errors in StagingError.
_plain_python = _tf2.autograph.experimental.do_not_convert


# --- TimeFreqLSTMCell ------------------------------------------------------------------------

class TimeFreqLSTMCell(_RNNCell):
    """``tf.contrib.rnn.TimeFreqLSTMCell``: one LSTM along frequency, its state across time.

    Equations and variables (under ``time_freq_lstm_cell/``) in the module docstring. As in
    TF 1.15, ``state_size`` (2H) and ``output_size`` (H) are one window's, while a step reads
    and returns K windows' ([B, 2 K H], [B, K H]): pass the state yourself, as TF's test did
    (``zero_state`` and ``dynamic_rnn`` get the widths wrong). ``initializer`` is ignored,
    as in TF 1.15 (use the variable scope's).
    """

    def __init__(self, num_units: int, use_peepholes: bool = False,
                 cell_clip: float | None = None, initializer=None, num_unit_shards: int = 1,
                 forget_bias: float = 1.0, feature_size: int | None = None,
                 frequency_skip: int = 1, reuse=None) -> None:
        super().__init__(_reuse=reuse)
        _set_window_lstm_options(self, num_units, use_peepholes, cell_clip, initializer,
                                 num_unit_shards, forget_bias, feature_size, frequency_skip)

    @property
    def state_size(self) -> int:
        return 2 * self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    @_plain_python
    def call(self, inputs, state):
        units, dtype = self._num_units, inputs.dtype
        windows = _windows(inputs, 0, _input_size(inputs), self._feature_size,
                           self._frequency_skip)
        kernel = concat_variable("W", [self._feature_size + 2 * units, 4 * units], dtype,
                                 self._num_unit_shards)
        bias = _v1.get_variable("B", [4 * units], dtype, _v1.zeros_initializer())
        diag = {gate: _v1.get_variable(f"W_{gate}_diag", [units], dtype)
                for gate in ("FIO" if self._use_peepholes else "")}

        # TF 1.15 needed a static batch size here (int(inputs.shape[0])); a dynamic one
        # works too and computes the same thing.
        m_freq = _v1.zeros([_batch_size(inputs), units], dtype)          # [B, H]
        outputs, new_state, read_state = [], [], _concatenated_state(state, units)
        for k, x_k in enumerate(windows):
            c_time, m_time = read_state(k)
            gates = _split_gates(_v1.concat([x_k, m_time, m_freq], 1), kernel, bias, "ijfo")

            def peepholes(gate, cell=c_time):
                return [(diag[gate], cell)] if diag else []

            c = _lstm_update(gates, c_time, peepholes, self._forget_bias, self._cell_clip)
            m_freq = _v1.sigmoid(_plus_peepholes(gates["o"], peepholes("O", c))) * _v1.tanh(c)
            outputs.append(m_freq)
            new_state += [c, m_freq]
        return _v1.concat(outputs, 1), _v1.concat(new_state, 1)


# --- GridLSTMCell ----------------------------------------------------------------------------

def _state_tuple_type(type_name: str, prefixes: Sequence[str], num_frequency_blocks):
    """The namedtuple TF1 made per cell: fields ``{prefix}_f{k:02d}_b{b:02d}_{c|m}``."""
    fields = [f"{prefix}_f{k:02d}_b{block:02d}_{part}"
              for prefix in prefixes
              for block, count in enumerate(num_frequency_blocks)
              for k in range(count) for part in "cm"]
    return collections.namedtuple(type_name, fields)


class GridLSTMCell(_RNNCell):
    """``tf.contrib.rnn.GridLSTMCell``: a frequency LSTM and a time LSTM on every window.

    Equations in the module docstring. The windows span the whole input (one block,
    ``num_frequency_blocks=[K]``) or block b's ``start_freqindex_list[b]`` to
    ``end_freqindex_list[b]``; ``num_frequency_blocks[b]`` must be that block's K.
    Variables under ``grid_lstm_cell/``, per block b: ``W_f_b_0`` [F + 2H, nH] (n = 4 gates,
    3 coupled; ``W_f_b_1``... with ``num_unit_shards``), ``B_f_b`` [nH] (zeros), unshared
    ``W_t_b_0``, ``B_t_b``, peepholes ``W_{F,I,O}_diag_{freq,time}{f,t}_b`` [H] (no F when
    coupled, no time ones when shared). State: a ``state_tuple_type`` namedtuple
    (``GridLSTMStateTuple``, fields ``state_f{k:02d}_b{b:02d}_c`` / ``_m``, each [B, H]) or,
    with ``state_is_tuple=False``, their concatenation; output [B, 2 H total_blocks] (m_T,
    m_F per window). ``initializer`` is ignored, as in TF 1.15.
    """

    _state_tuple_name, _state_prefixes = "GridLSTMStateTuple", ("state",)

    def __init__(self, num_units: int, use_peepholes: bool = False,
                 share_time_frequency_weights: bool = False, cell_clip: float | None = None,
                 initializer=None, num_unit_shards: int = 1, forget_bias: float = 1.0,
                 feature_size: int | None = None, frequency_skip: int | None = None,
                 num_frequency_blocks: Sequence[int] | None = None,
                 start_freqindex_list: Sequence[int] | None = None,
                 end_freqindex_list: Sequence[int] | None = None,
                 couple_input_forget_gates: bool = False, state_is_tuple: bool = True,
                 reuse=None) -> None:
        super().__init__(_reuse=reuse)
        if num_frequency_blocks is None:
            raise FrequencyWindowError(
                "Must specify num_frequency_blocks: the number of windows of each block, "
                "e.g. [(input_size - feature_size) // frequency_skip + 1] for one block.")
        warn_if_concatenated_state(self, state_is_tuple)
        _set_window_lstm_options(self, num_units, use_peepholes, cell_clip, initializer,
                                 num_unit_shards, forget_bias, feature_size, frequency_skip)
        self._share_time_frequency_weights = share_time_frequency_weights
        self._couple_input_forget_gates = couple_input_forget_gates
        self._state_is_tuple = state_is_tuple
        self._num_frequency_blocks = [int(count) for count in num_frequency_blocks]
        self._start_freqindex_list = start_freqindex_list
        self._end_freqindex_list = end_freqindex_list
        self._total_blocks = sum(self._num_frequency_blocks)
        self._state_tuple_type = (
            _state_tuple_type(self._state_tuple_name, self._state_prefixes,
                              self._num_frequency_blocks)
            if state_is_tuple else None)

    @property
    def state_tuple_type(self):
        return self._state_tuple_type

    @property
    def state_size(self):
        if self._state_tuple_type is None:
            return 2 * self._num_units * self._total_blocks
        return self._state_tuple_type(*[self._num_units] * len(self._state_tuple_type._fields))

    @property
    def output_size(self) -> int:
        return 2 * self._num_units * self._total_blocks * len(self._state_prefixes)

    @_plain_python
    def call(self, inputs, state):
        batch_size = _batch_size(inputs)
        outputs, new_state = [], []
        for block, windows in enumerate(self._frequency_windows(inputs)):
            block_outputs, block_state = self._grid_block(
                windows, block, self._state_reader(state, "state", block), batch_size)
            outputs += block_outputs
            new_state += block_state
        if self._state_is_tuple:
            return _v1.concat(outputs, 1), self._state_tuple_type(*new_state)
        return _v1.concat(outputs, 1), _v1.concat(new_state, 1)

    def _state_reader(self, state, prefix: str, block: int) -> Callable[[int], tuple]:
        """k -> (c_time_k, m_time_k) of `block`, from the tuple or the concatenated state."""
        if self._state_is_tuple:
            def read(k):
                name = f"{prefix}_f{k:02d}_b{block:02d}"
                return getattr(state, f"{name}_c"), getattr(state, f"{name}_m")
            return read
        # TF 1.15 sliced at 2 k H whatever the block: with several blocks, every block reads
        # block 0's columns of a concatenated state. Kept, so the numbers match.
        return _concatenated_state(state, self._num_units)

    def _frequency_windows(self, inputs, slice_offset: int = 0) -> list[list]:
        """The windows of every block. A slice offset > 0 pads zeros at the end and shifts the
        windows up by it; < 0 pads |offset| zeros in front (the windows then start in them)."""
        input_size = _input_size(inputs)
        if slice_offset:
            padding = [[0, 0], [0, slice_offset] if slice_offset > 0 else [-slice_offset, 0]]
            inputs = _v1.pad(inputs, padding, "CONSTANT")
            slice_offset = max(slice_offset, 0)
        starts = self._start_freqindex_list or [0]
        ends = self._end_freqindex_list if self._start_freqindex_list else [input_size]
        if not len(starts) == len(ends or ()) == len(self._num_frequency_blocks):
            raise FrequencyWindowError(
                "num_frequency_blocks needs one entry per block, and several blocks need "
                f"start_freqindex_list and end_freqindex_list of that length; got "
                f"{self._num_frequency_blocks}, {starts}, {ends}.")
        blocks = [_windows(inputs, start + slice_offset, end - start, self._feature_size,
                           self._frequency_skip) for start, end in zip(starts, ends, strict=True)]
        for block, (windows, wanted) in enumerate(zip(blocks, self._num_frequency_blocks,
                                                      strict=True)):
            if len(windows) != wanted:
                raise FrequencyWindowError(
                    f"Invalid num_frequency_blocks, requires {len(windows)} but gets {wanted} "
                    f"(block {block}), please check the input size and filter config.")
        return blocks

    def _block_variables(self, block: int, dtype):
        """({lstm: (kernel, bias)}, {(lstm, gate, seen cell): w_diag}), made in TF 1.15's order."""
        units, shards = self._num_units, self._num_unit_shards
        gate_units = (3 if self._couple_input_forget_gates else 4) * units
        shape = [self._feature_size + 2 * units, gate_units]
        lstms = ("freq",) if self._share_time_frequency_weights else ("freq", "time")
        weights = {lstm: (concat_variable(f"W_{lstm[0]}_{block}", shape, dtype, shards),
                          _v1.get_variable(f"B_{lstm[0]}_{block}", [gate_units], dtype,
                                           _v1.zeros_initializer()))
                   for lstm in lstms}                                  # W_f_0_0, B_f_0, W_t_0_0
        weights.setdefault("time", weights["freq"])
        gates = ("IO" if self._couple_input_forget_gates else "FIO") if self._use_peepholes else ""
        diag = {(lstm, gate, seen): _v1.get_variable(f"W_{gate}_diag_{lstm}{seen}_{block}",
                                                     [units], dtype)
                for lstm in lstms for gate in gates for seen in "ft"}
        return weights, diag

    def _peepholes(self, diag: dict, lstm: str, cells: tuple) -> Callable[[str], list]:
        """gate -> [(W_{gate}_diag_{lstm}f, c_freq), (W_{gate}_diag_{lstm}t, c_time)]."""
        owner = "freq" if self._share_time_frequency_weights else lstm
        return lambda gate: [(diag[owner, gate, seen], c)
                             for seen, c in zip("ft", cells, strict=True) if diag]

    def _grid_block(self, windows: list, block: int, read_state: Callable[[int], tuple],
                    batch_size) -> tuple[list, list]:
        """One block: the F-LSTM walks the windows; every window's T-LSTM steps in time."""
        units, dtype = self._num_units, windows[0].dtype
        weights, diag = self._block_variables(block, dtype)
        names = "ijo" if self._couple_input_forget_gates else "ijfo"
        lstms = ("freq", "time")
        c_freq = m_freq = _v1.zeros([batch_size, units], dtype)                 # [B, H]
        outputs, new_state = [], []
        for k, x_k in enumerate(windows):
            c_time, m_time = read_state(k)
            z = _v1.concat([x_k, m_time, m_freq], 1)                            # [B, F + 2H]
            gates = {"freq": _split_gates(z, *weights["freq"], names)}
            gates["time"] = (gates["freq"] if self._share_time_frequency_weights
                             else _split_gates(z, *weights["time"], names))
            previous = {"freq": c_freq, "time": c_time}
            c = {lstm: _lstm_update(gates[lstm], previous[lstm],
                                    self._peepholes(diag, lstm, (c_freq, c_time)),
                                    self._forget_bias, self._cell_clip) for lstm in lstms}
            o = {lstm: _plus_peepholes(gates[lstm]["o"],  # sees both new cells
                                       self._peepholes(diag, lstm, (c["freq"], c["time"]))("O"))
                 for lstm in lstms}
            m = {lstm: _v1.sigmoid(o[lstm]) * _v1.tanh(c[lstm]) for lstm in lstms}
            c_freq, m_freq = c["freq"], m["freq"]
            outputs += [m["time"], m["freq"]]
            new_state += [c["time"], m["time"]]
        return outputs, new_state


class BidirectionalGridLSTMCell(GridLSTMCell):
    """``tf.contrib.rnn.BidirectionalGridLSTMCell``: the grid up and down the frequencies.

    The forward grid (``bidirectional_grid_lstm_cell/fwd/``, fields ``fwd_state_f{k:02d}_b
    {b:02d}_{c,m}``) walks each block's windows up, the backward one (``bwd/``, ``bwd_state_
    ...``; its f00 is the highest window) down, on windows shifted by ``backward_slice_offset``
    columns (zeros padded in). The state is always a ``BidirectionalGridLSTMStateTuple``; the
    output [B, 4 H total_blocks] is the forward outputs, then the backward ones.
    """

    _state_tuple_name = "BidirectionalGridLSTMStateTuple"
    _state_prefixes = ("fwd_state", "bwd_state")

    def __init__(self, num_units: int, use_peepholes: bool = False,
                 share_time_frequency_weights: bool = False, cell_clip: float | None = None,
                 initializer=None, num_unit_shards: int = 1, forget_bias: float = 1.0,
                 feature_size: int | None = None, frequency_skip: int | None = None,
                 num_frequency_blocks: Sequence[int] | None = None,
                 start_freqindex_list: Sequence[int] | None = None,
                 end_freqindex_list: Sequence[int] | None = None,
                 couple_input_forget_gates: bool = False, backward_slice_offset: int = 0,
                 reuse=None) -> None:
        super().__init__(num_units, use_peepholes, share_time_frequency_weights, cell_clip,
                         initializer, num_unit_shards, forget_bias, feature_size,
                         frequency_skip, num_frequency_blocks, start_freqindex_list,
                         end_freqindex_list, couple_input_forget_gates, True, reuse)
        self._backward_slice_offset = int(backward_slice_offset)

    @_plain_python
    def call(self, inputs, state):
        batch_size = _batch_size(inputs)
        forward_windows = self._frequency_windows(inputs)
        backward_windows = (self._frequency_windows(inputs, self._backward_slice_offset)
                            if self._backward_slice_offset else forward_windows)
        outputs, new_state = [], []
        for direction, blocks in (("fwd", forward_windows), ("bwd", backward_windows)):
            with _v1.variable_scope(direction):
                for block, windows in enumerate(blocks):
                    if direction == "bwd":
                        windows = windows[::-1]
                    block_outputs, block_state = self._grid_block(
                        windows, block, self._state_reader(state, f"{direction}_state", block),
                        batch_size)
                    outputs += block_outputs
                    new_state += block_state
        return _v1.concat(outputs, 1), self._state_tuple_type(*new_state)
