"""TF 1.15's encoder cell: a deep copy of the decoder's cell, so the two share no variables.

``basic_rnn_seq2seq``, ``embedding_rnn_seq2seq`` and ``embedding_attention_seq2seq`` take one
``cell`` and run the encoder on ``copy.deepcopy(cell)``: same class and sizes, its own
variables (``.../rnn/...`` for the encoder, the decoder's under its own scope).

A cell that has already run cannot be copied: it holds its variables, and a graph tensor
cannot be deep-copied. TF 1.x failed there with a bare ``TypeError: can't pickle
_thread.RLock objects`` (the usual trigger: one cell object shared by the seq2seq function
that ``model_with_buckets`` calls once per bucket); tf_keras's cells in TF 2.21 fail the same
way (``cannot pickle 'SymbolicTensor' object``). It is still a TypeError here, with a
message saying what happened and what to do, unless ``on_uncopyable_cell`` gives a cell:
under ``tf1-lstm run`` (``tf1_lstm.legacy.history``) it is a new, unbuilt cell of the same
config, as TF 0.12 and 1.0 ran such code (no copy: the encoder's variables were found by
scope name, so each bucket's encoder shares bucket 0's). A cell that has not run copies
fine, and its tensor arguments (a ``DropoutWrapper``'s ``keep_prob`` placeholder) are
shared, not copied.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from tf1_lstm.errors import Tf1LstmError

__all__ = ["CellCopyError", "copy_cell_for_encoder"]

# Given the cell deepcopy refused: a cell to use instead, or None for the error.
on_uncopyable_cell: Callable[[object, str], object | None] | None = None


class CellCopyError(Tf1LstmError, TypeError):
    """The cell given to a seq2seq model cannot be deep-copied for its encoder."""


def copy_cell_for_encoder(cell, function_name: str):
    """``copy.deepcopy(cell)``, as TF 1.15's ``function_name`` did, or a clear TypeError."""
    try:
        return copy.deepcopy(cell)
    except TypeError as error:
        fresh = on_uncopyable_cell(cell, function_name) if on_uncopyable_cell else None
        if fresh is not None:
            return fresh
        raise CellCopyError(
            f"legacy_seq2seq.{function_name} deep-copies the cell for its encoder "
            f"(copy.deepcopy(cell), as TF 1.x did), and this {type(cell).__name__} cannot be "
            f"copied: {error}. The usual cause is a cell that has already been run (its "
            "variables exist), e.g. one cell object shared by every bucket of "
            "model_with_buckets. Create a new cell inside the function that builds the "
            "model, so each call gets its own.") from error
