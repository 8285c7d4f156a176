"""``tf1-lstm run --fast``: an unmodified script's RNN calls served by the fast path where they can.

``install()`` puts a dispatcher in place of each RNN function a TF1 script calls::

    tf.nn.dynamic_rnn, tf.nn.static_rnn, tf.contrib.rnn.static_rnn (tf.nn.rnn of TF 0.x too)
    tf.nn.bidirectional_dynamic_rnn, tf.nn.static_bidirectional_rnn (and contrib's)

A call runs ``tf1_lstm.fast.rnn`` when its cell is a ``BasicLSTMCell``, an ``LSTMCell`` (with
or without peepholes; tanh, state tuple, no clip or projection), a ``GRUCell`` (tanh) or a
``MultiRNNCell`` of them (layers of different kinds too) and the fast path takes its inputs;
the variables are the ones TF's own call would make (same names, same shapes: a checkpoint
written with ``--fast`` restores without it, and the other way round). Every other call runs
TF's own function. Each is noted on stderr, once per function and cells served and once per
reason not::

    tf1-lstm: note: --fast: dynamic_rnn of MultiRNNCell of 3 GRUCell(s) ran on the fast path
    tf1-lstm: note: --fast: dynamic_rnn of LSTMCell(num_proj=2) ran as TF's own
    tf1-lstm: note: --fast: dynamic_rnn of BasicRNNCell (the fast path runs BasicLSTMCell,
    LSTMCell, GRUCell and MultiRNNCell stacks of them) ran as TF's own

Sessions get bench's tuned threads (``tuned_config``) unless the script set its own.

A user's cell object is not itself built by the fast path: a twin ``FastLSTMCell`` /
``FastPeepholeLSTMCell`` (with its sizes, forget_bias, initializer and name) or
``FastGRUCell`` (with its num_units, kernel_initializer, bias_initializer and name) is, once
per cell object (so a cell called twice reuses its variables, as a Keras-backed cell does).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from tf1_lstm.compat import rnn, tf
from tf1_lstm.fast import bidirectional as fast_bidirectional
from tf1_lstm.fast import rnn as fast_rnn
from tf1_lstm.fast.cell import TANH, FastCell, FastLSTMCell, FastPeepholeLSTMCell
from tf1_lstm.fast.errors import FastPathError
from tf1_lstm.fast.gru import FastGRUCell
from tf1_lstm.legacy.notices import note_once

_twins: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # user's cell -> its fast twin


class NotEligible(Exception):
    """Why a call runs TF's own function (the note's text)."""


def fast_twin(cell) -> rnn.RNNCell:
    """The fast path's cell for ``cell``: a fast twin, or a MultiRNNCell of twins."""
    if isinstance(cell, rnn.MultiRNNCell):
        if not getattr(cell, "_state_is_tuple", True):
            raise NotEligible("a MultiRNNCell with state_is_tuple=False")
        layers = list(cell._cells)
        return rnn.MultiRNNCell([_twin(layer) for layer in layers])
    return _twin(cell)


def _twin(cell) -> FastCell | FastGRUCell:
    """A cell's fast twin, made once per cell object; NotEligible says why there is none."""
    if isinstance(cell, FastCell | FastGRUCell):
        return cell
    kind = type(cell).__name__
    if kind not in ("BasicLSTMCell", "LSTMCell", "GRUCell"):
        raise NotEligible(f"{kind} (the fast path runs BasicLSTMCell, LSTMCell, GRUCell and "
                          f"MultiRNNCell stacks of them)")
    if not getattr(cell, "_state_is_tuple", True):
        raise NotEligible(f"{kind}(state_is_tuple=False)")
    activation = getattr(cell, "_activation", tf.tanh)
    if activation not in TANH and getattr(activation, "__name__", "") != "tanh":
        raise NotEligible(f"{kind}(activation={getattr(activation, '__name__', '?')}) "
                          f"(the fast path's backward pass is written for tanh)")
    for option in ("cell_clip", "num_proj", "num_unit_shards"):
        if getattr(cell, f"_{option}", None):
            raise NotEligible(f"{kind}({option}={getattr(cell, f'_{option}')})")
    if not getattr(cell, "trainable", True):
        raise NotEligible(f"{kind}(trainable=False)")
    if getattr(cell, "built", False) and cell not in _twins:
        raise NotEligible(f"a {kind} TF's own RNN built before (its variables are that "
                          f"call's)")
    if cell not in _twins:
        _twins[cell] = _new_twin(kind, cell)
    return _twins[cell]


def _new_twin(kind: str, cell) -> FastCell | FastGRUCell:
    name = getattr(cell, "_base_name", None)  # "basic_lstm_cell", not "basic_lstm_cell_1"
    if kind == "GRUCell":
        return FastGRUCell(cell._num_units, kernel_initializer=cell._kernel_initializer,
                           bias_initializer=cell._bias_initializer, name=name)
    if kind == "BasicLSTMCell":
        return FastLSTMCell(cell._num_units, forget_bias=float(cell._forget_bias), name=name)
    return FastPeepholeLSTMCell(cell._num_units, cell._use_peepholes,
                                initializer=cell._initializer,
                                forget_bias=float(cell._forget_bias), name=name)


def _dispatch(name: str, original: Callable, fast: Callable, pair: bool = False) -> Callable:
    """``name`` served fast when it can be, else by ``original`` with the reason noted; its
    first argument is the cell, or with ``pair`` the first two (cell_fw, cell_bw)."""
    def run(cells: tuple, args: tuple, kwargs: dict):
        try:
            result = fast(*map(fast_twin, cells), *args, **kwargs)
        except (NotEligible, FastPathError) as why:
            _note_fallback(name, why)
            return original(*cells, *args, **kwargs)
        what = " forward and ".join(map(_what, cells)) + (" backward" if pair else "")
        # once per function and cells: a script's GRU stack is noted next to its LSTM stack
        note_once(f"fast {name} served {what}", f"--fast: {name} of {what} ran on the fast path")
        return result

    def serve(cell, *args, **kwargs):
        return run((cell,), args, kwargs)

    def serve_pair(cell_fw, cell_bw, *args, **kwargs):
        return run((cell_fw, cell_bw), args, kwargs)

    served = serve_pair if pair else serve
    served.__name__ = served.__qualname__ = name
    served.__doc__ = original.__doc__
    served.tf1_lstm_original = original
    return served


def _note_fallback(name: str, why: Exception) -> None:
    """One note per reason: a cell the fast path does not run, or its inputs it cannot take."""
    text = (f"--fast: {name} of {why} ran as TF's own" if isinstance(why, NotEligible) else
            f"--fast: {name} ran as TF's own: {why}")
    note_once(f"fast {name} {why}", text)


def _what(cell) -> str:
    if isinstance(cell, rnn.MultiRNNCell):
        kinds = sorted({type(layer).__name__ for layer in cell._cells})
        return f"MultiRNNCell of {len(cell._cells)} {' and '.join(kinds)}(s)"
    return type(cell).__name__


def tuned_config(config):
    """``config`` (a ConfigProto, or None) with bench's tuned threads, one thread per op and
    one op per core at once (the fast path's shards run side by side; small LSTM ops gain
    nothing from splitting), unless the script set threads of its own: then it is kept."""
    if config is not None and (config.intra_op_parallelism_threads or
                               config.inter_op_parallelism_threads):
        return config
    tuned = tf.ConfigProto()
    if config is not None:
        tuned.CopyFrom(config)
    # bench's TUNED setting (bench.jobs.thread_settings), for the shards this process runs
    intra, inter = 1, fast_rnn.default_shards()
    tuned.intra_op_parallelism_threads, tuned.inter_op_parallelism_threads = intra, inter
    note_once("fast threads", f"--fast: tf.Session threads intra_op {intra}, inter_op {inter} "
                              f"(set them in the script's ConfigProto to keep your own)")
    return tuned


def _tuned_session(session_class: type) -> type:
    """``session_class`` whose ``config`` gets ``tuned_config``."""
    class Tuned(session_class):
        __doc__ = session_class.__doc__

        def __init__(self, target="", graph=None, config=None):
            super().__init__(target, graph, tuned_config(config))

    Tuned.__name__ = Tuned.__qualname__ = session_class.__name__
    Tuned.tf1_lstm_original = session_class
    return Tuned


def install() -> None:
    """Serve the RNN functions fast and tune the sessions' threads (idempotent)."""
    v1_nn = tf.nn  # tf.compat.v1.nn: what the facade's tf.nn is; rnn: tf.contrib.rnn
    bidirectional = fast_bidirectional
    for module, name, fast, pair in (
            (v1_nn, "dynamic_rnn", fast_rnn.dynamic_rnn, False),
            (v1_nn, "static_rnn", fast_rnn.static_rnn, False),
            (rnn, "static_rnn", fast_rnn.static_rnn, False),
            (v1_nn, "bidirectional_dynamic_rnn", bidirectional.bidirectional_dynamic_rnn, True),
            (v1_nn, "static_bidirectional_rnn", bidirectional.static_bidirectional_rnn, True),
            (rnn, "static_bidirectional_rnn", bidirectional.static_bidirectional_rnn, True)):
        original = getattr(module, name)
        if not hasattr(original, "tf1_lstm_original"):
            setattr(module, name, _dispatch(name, original, fast, pair))
    for name in ("Session", "InteractiveSession"):
        original = getattr(tf, name)  # tf.compat.v1's, which the facade's tf.Session is
        if "tf1_lstm_original" not in vars(original):
            setattr(tf, name, _tuned_session(original))
