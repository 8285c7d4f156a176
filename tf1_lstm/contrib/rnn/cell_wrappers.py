"""Three ``tf.contrib.rnn`` wrappers that change what reaches, or leaves, a cell, on TF 2.21.

- ``EmbeddingWrapper`` (TF1: ``contrib/rnn/python/ops/core_rnn_cell.py``): integer ids in,
  ``embedding`` rows into the cell.
- ``HighwayWrapper`` (TF1: ``contrib/rnn/python/ops/rnn_cell.py``): a highway connection
  (Srivastava et al., https://arxiv.org/abs/1505.00387) from the cell's input to its output.
- ``CompiledWrapper`` (same file): the cell's step built inside an XLA JIT scope.

Variables are TF1's. ``EmbeddingWrapper`` is an ordinary RNNCell: under ``dynamic_rnn``,
``rnn/embedding_wrapper/embedding`` and ``rnn/embedding_wrapper/<cell>/...``. The other two
never ran RNNCell's ``__call__`` in TF1 (they override it), so they add no scope of their
own: the wrapped cell's variables are where they would be unwrapped (``rnn/<cell>/...``) and
the highway's sit beside them (``rnn/carry_w``, ``rnn/carry_b``).
"""

from __future__ import annotations

import math

from tf1_lstm.bootstrap import tf2 as _tf2

# isort: split
# Private TF / tf_keras modules, for exactly what TF1 used: whether an op is stateful (to
# leave random ops and initializers out of XLA), and TF1's "is not an RNNCell" check.
from tensorflow.python.framework import op_def_registry
from tf_keras.src.layers.rnn.legacy_cell_wrappers import assert_like_rnncell

__all__ = ["EmbeddingWrapper", "HighwayWrapper", "CompiledWrapper"]

_v1 = _tf2.compat.v1
_nest = _tf2.nest
# tf_keras runs a layer's `call` through AutoGraph, which has nothing to rewrite here and
# would only wrap the wrapped cell's errors in StagingError.
_plain_python = _tf2.autograph.experimental.do_not_convert


class _CellWrapper(_v1.nn.rnn_cell.RNNCell):
    """A wrapper whose state and output are its cell's; its zero state is the cell's (made
    under ``<Wrapper>ZeroState``). Also the base of ``wrappers``' projection wrappers."""

    def __init__(self, cell, reuse=None) -> None:
        super().__init__(_reuse=reuse)
        self._cell = cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with _v1.name_scope(f"{type(self).__name__}ZeroState", values=[batch_size]):
            return self._cell.zero_state(batch_size, dtype)


# --- EmbeddingWrapper --------------------------------------------------------------------------

class EmbeddingWrapper(_CellWrapper):
    """``tf.contrib.rnn.EmbeddingWrapper(cell, embedding_classes, embedding_size,
    initializer=None, reuse=None)``: look the ids up, feed the rows to ``cell``::

        x_cell = embedding[reshape(ids, [-1])]          # ids [B, 1] (or [B]) -> [B, E]
        output, state = cell(x_cell, state)

    ``embedding`` [embedding_classes, embedding_size] takes ``initializer``, else the
    variable scope's initializer, else Uniform(-sqrt(3), sqrt(3)) (variance 1). Its dtype is
    the state's, so float32 states with integer ids work. As in TF1, the lookup *and the
    wrapped cell* are placed on ``/cpu:0``.
    """

    def __init__(self, cell, embedding_classes: int, embedding_size: int, initializer=None,
                 reuse=None) -> None:
        super().__init__(cell, reuse=reuse)
        assert_like_rnncell("cell", cell)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError("Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    def _embedding_initializer(self):
        if self._initializer:
            return self._initializer
        if _v1.get_variable_scope().initializer:
            return _v1.get_variable_scope().initializer
        sqrt3 = math.sqrt(3)  # Uniform(-sqrt(3), sqrt(3)) has variance 1
        return _v1.random_uniform_initializer(-sqrt3, sqrt3)

    @_plain_python
    def call(self, inputs, state):
        with _v1.device("/cpu:0"):
            # TF1 read state[0].dtype of a tuple state; the first leaf is the same tensor
            # for every state TF1 accepted, and also works for nested tuples.
            embedding = _v1.get_variable(
                "embedding", [self._embedding_classes, self._embedding_size],
                initializer=self._embedding_initializer(), dtype=_nest.flatten(state)[0].dtype)
            embedded = _v1.nn.embedding_lookup(embedding, _v1.reshape(inputs, [-1]))  # [B, E]
            return self._cell(embedded, state)


# --- HighwayWrapper ----------------------------------------------------------------------------

class HighwayWrapper(_CellWrapper):
    """``tf.contrib.rnn.HighwayWrapper(cell, couple_carry_transform_gates=True,
    carry_bias_init=1.0)``: mix each step's input into the cell's output::

        carry     = sigmoid(x @ carry_w + carry_b)          # carry_b starts at carry_bias_init
        transform = 1 - carry                               # coupled (the default), else
                    sigmoid(x @ transform_w + transform_b)  # transform_b: -carry_bias_init
        output    = x * carry + cell_output * transform     # the state is the cell's, untouched

    The input and output must have the same structure and depth. ``carry_w``, ``transform_w``
    [I, I] take the scope's initializer. They are made with ``get_variable`` in the caller's
    variable scope (TF1 had no wrapper scope), after the cell's own. As in TF1, a nested input
    would ask for ``carry_w`` once per leaf, which fails unless the scope reuses.
    """

    def __init__(self, cell, couple_carry_transform_gates: bool = True,
                 carry_bias_init: float = 1.0) -> None:
        super().__init__(cell)
        self._couple_carry_transform_gates = couple_carry_transform_gates
        self._carry_bias_init = carry_bias_init

    def _gate(self, x, name: str, bias_init: float):
        depth = _tf2.compat.dimension_value(x.shape.with_rank(2)[1])
        weight = _v1.get_variable(f"{name}_w", [depth, depth])
        bias = _v1.get_variable(f"{name}_b", [depth],
                                initializer=_v1.constant_initializer(bias_init))
        return _v1.sigmoid(_v1.nn.xw_plus_b(x, weight, bias))                  # [B, I]

    def _highway(self, x, cell_output):
        carry = self._gate(x, "carry", self._carry_bias_init)
        if self._couple_carry_transform_gates:
            transform = 1 - carry
        else:
            transform = self._gate(x, "transform", -self._carry_bias_init)
        return x * carry + cell_output * transform

    def __call__(self, inputs, state, scope=None):
        outputs, new_state = self._cell(inputs, state, scope=scope)
        _nest.assert_same_structure(inputs, outputs)
        _nest.map_structure(lambda x, out: x.shape.assert_is_compatible_with(out.shape),
                            inputs, outputs)
        return _nest.map_structure(self._highway, inputs, outputs), new_state


# --- CompiledWrapper ---------------------------------------------------------------------------

def _is_stateless(node_def) -> bool:
    return not op_def_registry.get(node_def.op).is_stateful


class CompiledWrapper(_CellWrapper):
    """``tf.contrib.rnn.CompiledWrapper(cell, compile_stateful=False)``: build the cell's
    step inside ``tf.xla.experimental.jit_scope`` (TF1: ``tf.contrib.compiler.jit``'s
    ``experimental_jit_scope``, the same scope), so a session compiles it with XLA.

    The numbers are the wrapped cell's (up to XLA's float rounding), and so are the
    variables and their names. Stateful ops (random numbers, initializers) are left out of
    the compiled clusters unless ``compile_stateful``. Graph mode only, as the JIT scope.
    """

    def __init__(self, cell, compile_stateful: bool = False) -> None:
        super().__init__(cell)
        self._compile_stateful = compile_stateful

    def __call__(self, inputs, state, scope=None):
        compile_ops = True if self._compile_stateful else _is_stateless
        with _tf2.xla.experimental.jit_scope(compile_ops=compile_ops):
            return self._cell(inputs, state, scope=scope)
