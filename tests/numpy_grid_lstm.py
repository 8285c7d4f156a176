"""A float64 NumPy TimeFreq / Grid LSTM, written out from the equations, for the grid tests.

Independent of ``tf1_lstm.contrib.rnn.grid_cells``: it reads the TF variables' values by their
TF 1.15 names (``weights_by_name``) and computes TF 1.15's maths window by window.
"""

from __future__ import annotations

import re

import numpy as np
from contrib_support import sigmoid, variables

_SHARD = re.compile(r"^(?P<base>(?:\w+/)?W(?:_[ft]_\d+)?)_(?P<shard>\d+)$")


def weights_by_name(session, cell_scope: str) -> dict:
    """{"W_f_0": value, "B_f_0": ..., "fwd/W_I_diag_freqf_0": ...}, row shards concatenated."""
    values = {v.op.name[len(cell_scope) + 1:]: value for v, value in
              zip(variables(cell_scope), session.run(variables(cell_scope)), strict=True)}
    weights, shards = {}, {}
    for name, value in values.items():
        match = _SHARD.match(name)
        if match:
            shards.setdefault(match["base"], []).append((int(match["shard"]), value))
        else:
            weights[name] = value
    for base, parts in shards.items():
        weights[base] = np.concatenate([value for _, value in sorted(parts)], axis=0)
    return weights


UNITS, SIZE, SKIP, WIDTH = 2, 3, 2, 7    # windows of 3 every 2 columns of a 7-wide input


def numpy_windows(x, start: int, end: int) -> list:
    return [x[:, s:s + SIZE] for s in range(start, end - SIZE + 1, SKIP)]


def numpy_halves(state, k: int) -> tuple:
    """Window k's (c, m) in a concatenated state [c_0, m_0, c_1, m_1, ...]."""
    return state[:, 2 * k * UNITS:(2 * k + 1) * UNITS], state[:, (2 * k + 1) * UNITS:
                                                              (2 * k + 2) * UNITS]


def numpy_time_freq(x, state, w, forget_bias, clip):
    m_freq, outputs, new_state = np.zeros((len(x), UNITS)), [], []
    for k, x_k in enumerate(numpy_windows(x, 0, x.shape[1])):
        c_t, m_t = numpy_halves(state, k)
        i, j, f, o = np.split(np.concatenate([x_k, m_t, m_freq], 1) @ w["W"] + w["B"], 4, 1)
        c = np.clip(sigmoid(f + forget_bias + w["W_F_diag"] * c_t) * c_t
                    + sigmoid(i + w["W_I_diag"] * c_t) * np.tanh(j), -clip, clip)
        m_freq = sigmoid(o + w["W_O_diag"] * c) * np.tanh(c)
        outputs.append(m_freq)
        new_state += [c, m_freq]
    return np.concatenate(outputs, 1), np.concatenate(new_state, 1)


def numpy_grid_block(windows, states, w, block, kwargs):
    """One block of the grid; states[k] = (c_time, m_time); w has TF's names."""
    coupled = kwargs.get("couple_input_forget_gates", False)
    shared = kwargs.get("share_time_frequency_weights", False)
    clip, names = kwargs.get("cell_clip") or np.inf, "ijo" if coupled else "ijfo"

    def diag(lstm, gate, c_f, c_t):
        lstm = "freq" if shared else lstm
        return (w[f"W_{gate}_diag_{lstm}f_{block}"] * c_f + w[f"W_{gate}_diag_{lstm}t_{block}"]
                * c_t) if kwargs.get("use_peepholes") else 0.0

    c_freq = m_freq = np.zeros((len(windows[0]), UNITS))
    outputs, new_state = [], []
    for x_k, (c_time, m_time) in zip(windows, states, strict=True):
        z = np.concatenate([x_k, m_time, m_freq], 1)
        gates = {lstm: dict(zip(names, np.split(z @ w[f"W_{key}_{block}"] + w[f"B_{key}_{block}"],
                                                len(names), 1), strict=True))
                 for lstm, key in (("freq", "f"), ("time", "f" if shared else "t"))}
        c = {}
        for lstm, c_prev in (("freq", c_freq), ("time", c_time)):
            g = gates[lstm]
            i = sigmoid(g["i"] + diag(lstm, "I", c_freq, c_time))
            f = 1 - i if coupled else sigmoid(g["f"] + kwargs.get("forget_bias", 1.0)
                                              + diag(lstm, "F", c_freq, c_time))
            c[lstm] = np.clip(f * c_prev + i * np.tanh(g["j"]), -clip, clip)
        m = {lstm: sigmoid(gates[lstm]["o"] + diag(lstm, "O", c["freq"], c["time"]))
             * np.tanh(c[lstm]) for lstm in ("freq", "time")}
        c_freq, m_freq = c["freq"], m["freq"]
        outputs += [m["time"], m["freq"]]
        new_state += [c["time"], m["time"]]
    return outputs, new_state


def numpy_grid(x, state, w, kwargs, directions):
    """The whole cell; directions ("",) for GridLSTMCell, ("fwd", "bwd") for the other."""
    starts, ends = kwargs.get("start_freqindex_list", [0]), kwargs.get("end_freqindex_list",
                                                                       [WIDTH])
    offset = kwargs.get("backward_slice_offset", 0)
    padded = np.pad(x, [(0, 0), (max(-offset, 0), max(offset, 0))])
    outputs, new_state = [], []
    for direction in directions:
        prefix = f"{direction}/" if direction else ""
        w_direction = {name[len(prefix):]: v for name, v in w.items() if name.startswith(prefix)}
        shift, source = (max(offset, 0), padded) if direction == "bwd" else (0, x)
        field = f"{direction}_state" if direction else "state"
        for block, (start, end) in enumerate(zip(starts, ends, strict=True)):
            windows = numpy_windows(source, start + shift, end + shift)
            windows = windows[::-1] if direction == "bwd" else windows
            ks = range(len(windows))
            states = ([numpy_halves(state, k) for k in ks] if not kwargs.get("state_is_tuple", 1)
                      else [(getattr(state, f"{field}_f{k:02d}_b{block:02d}_c"),
                             getattr(state, f"{field}_f{k:02d}_b{block:02d}_m")) for k in ks])
            block_outputs, block_state = numpy_grid_block(windows, states, w_direction, block,
                                                          kwargs)
            outputs += block_outputs
            new_state += block_state
    return np.concatenate(outputs, 1), new_state
