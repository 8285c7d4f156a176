"""A decoder inspection as data: the options it was built from, the tree, the results.

``decoder_build`` fills these in (it builds and runs the graph), ``decoder_checks`` verifies
the equalities on them and ``decoder_format`` renders them; this module imports no
TensorFlow. The letters are those of ``decoder_build``'s docstring: B, T, T_memory, H, V, A, W.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tf1_lstm.cells.kinds import CELL_KINDS
from tf1_lstm.inspect.data import Check, InspectError, Variable

DECODERS = ("training", "greedy", "beam")
ATTENTIONS = ("none", "bahdanau", "luong")
GO, EOS = 0, 1  # start_tokens and end_token; ids 2 .. V-1 are the words
ATTENTION_LAYER_SIZE = 6  # A: attention_layer_size, a depth of its own so the shapes tell it
DEFAULT_VOCAB, DEFAULT_BEAM_WIDTH = 7, 3
DEFAULT_CELL, DEFAULT_STEPS = "lstm", 3  # with --decoder (the RNN inspection keeps rnn, 2)


@dataclass(frozen=True)
class DecoderOptions:
    """The validated options one decoder inspection was built from."""

    decoder: str  # training, greedy or beam
    attention: str  # none, bahdanau or luong
    cell: str  # a kind of tf1_lstm.cells.kinds, for the encoder and the decoder
    units: int  # H, both cells
    steps: int  # T_memory: the encoder's steps (and the training targets')
    inputs: int  # I: the encoder's input depth and the embedding depth
    batch: int  # B
    vocab: int  # V
    beam_width: int  # W (1 unless decoder == "beam")
    memory_lengths: tuple[int, ...]  # L [B]: source lengths, memory_sequence_length
    lengths_given: bool  # False: the default T, T-1, ..., 1, T, ... (so padding shows)
    seed: int
    unknown_batch: bool  # placeholders [None, ...]: B is known only when the graph runs

    @property
    def attention_layer_size(self) -> int | None:
        return None if self.attention == "none" else ATTENTION_LAYER_SIZE

    @property
    def maximum_iterations(self) -> int | None:
        """2 * max(L) for the decoders that feed back their own ids; None for training."""
        return None if self.decoder == "training" else 2 * max(self.memory_lengths)

    @property
    def input_source(self) -> str:
        return f"random normal encoder_inputs, seed {self.seed}"

    @property
    def rows(self) -> int:
        """The rows the decoder cell runs on: B, or B * W for beam search."""
        return self.batch * self.beam_width


@dataclass(frozen=True)
class DecoderNode:
    """One node of the tree of outputs, final_state and final_sequence_lengths."""

    path: str  # "final_state.cell_state.h"
    type_name: str  # "Tensor", "TensorArray", or the container's type ("LSTMStateTuple")
    dtype: str | None  # "float32", "int32", ... for Tensors and TensorArrays
    shape: tuple[int | None, ...] | None  # static shape (a TensorArray: its element's)
    run_shape: tuple[int, ...] | None  # the value's shape in the run (stacked TensorArray)
    axes: str  # "[B, T, V]": the shape in the letters of the explanation
    description: str
    depth: int
    parent: str | None
    length: int  # children of a container; 0 for leaves


@dataclass(frozen=True, eq=False)
class DecoderInspection:
    """Everything ``tf1-lstm inspect --decoder ...`` shows, as data.

    ``outputs``, ``final_state`` and ``final_sequence_lengths`` are the run's NumPy values,
    nested like the tensors (a TensorArray stacked: [T, rows, T_memory]); ``memory`` is the
    encoder's outputs [B, T_memory, H] as the run computed them.
    """

    options: DecoderOptions
    code: str
    tree: tuple[DecoderNode, ...]
    variables: tuple[Variable, ...]
    checks: tuple[Check, ...]
    notes: tuple[str, ...]
    inputs: np.ndarray  # the encoder inputs fed, [B, T_memory, I]
    memory: np.ndarray
    outputs: Any
    final_state: Any
    final_sequence_lengths: np.ndarray

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def total_parameters(self) -> int:
        return sum(variable.size for variable in self.variables)

    def node(self, path: str) -> DecoderNode:
        for tree_node in self.tree:
            if tree_node.path == path:
                return tree_node
        raise KeyError(path)

    def variable(self, suffix: str) -> np.ndarray:
        """The value of the one variable whose name ends with ``suffix`` ("dense/kernel")."""
        (found,) = [v for v in self.variables if v.name.split(":")[0].endswith(suffix)]
        return found.value


# Options


def _whole(name: str, value: Any, least: int, flag: str | None = None) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < least:
        raise InspectError(f"{name} (--{flag or name.replace('_', '-')}) must be a whole number "
                           f"of at least {least}, got {value!r}")
    return int(value)


def validated_decoder_options(decoder: str, attention: str, cell: str, units: int, steps: int,
                              inputs: int, batch: int | None, vocab: int,
                              beam_width: int | None, sequence_length: Sequence[int] | None,
                              seed: int, unknown_batch: bool = False) -> DecoderOptions:
    if decoder not in DECODERS:
        raise InspectError(f"unknown decoder {decoder!r} (--decoder): choose training, greedy "
                           "or beam")
    if attention not in ATTENTIONS:
        raise InspectError(f"unknown attention {attention!r} (--attention): choose none, "
                           "bahdanau or luong")
    if cell not in CELL_KINDS:
        raise InspectError(f"unknown cell {cell!r} (--cell): choose one of "
                           f"{', '.join(CELL_KINDS)}")
    if beam_width is not None and decoder != "beam":
        raise InspectError(f"beam_width (--beam-width) is for the beam search decoder; "
                           f"--decoder {decoder} has no beams (use --decoder beam)")
    units, steps, inputs = (_whole(name, value, 1) for name, value in
                            [("units", units), ("steps", steps), ("inputs", inputs)])
    vocab = _whole("vocab", vocab, 3)  # GO, EOS and at least one word
    width = _whole("beam_width", DEFAULT_BEAM_WIDTH if beam_width is None else beam_width, 1)
    if decoder == "beam" and width > vocab:
        raise InspectError(
            f"beam_width (--beam-width) {width} is more than the vocabulary (--vocab) {vocab}: "
            "the first step grows every beam from one, so beams beyond V would start at -inf; "
            "use --beam-width <= --vocab")
    if sequence_length is None:
        size = 4 if batch is None else _whole("batch", batch, 1)
        lengths = tuple(steps - b % steps for b in range(size))  # T, T-1, ..., 1, T, ...
    else:
        if not sequence_length or any(not isinstance(length, (int, np.integer))
                                      or isinstance(length, bool) for length in sequence_length):
            raise InspectError("sequence_length (--sequence-length) must be whole numbers, one "
                               f"per batch row (e.g. 3,2,1,3), got {list(sequence_length)!r}")
        lengths = tuple(int(length) for length in sequence_length)
        if batch is not None and _whole("batch", batch, 1) != len(lengths):
            raise InspectError(f"{len(lengths)} sequence_length values but batch={batch}: give "
                               "one source length per batch row (or leave out --batch)")
        for row, length in enumerate(lengths):
            if not 1 <= length <= steps:
                raise InspectError(
                    f"sequence_length (--sequence-length) of row {row} is {length}: with "
                    f"--decoder each source length must be between 1 and steps={steps} (the "
                    "attention needs a memory to attend to, the decoder a step to take)")
    return DecoderOptions(decoder=decoder, attention=attention, cell=cell, units=units,
                          steps=steps, inputs=inputs, batch=len(lengths), vocab=vocab,
                          beam_width=width if decoder == "beam" else 1,
                          memory_lengths=lengths, lengths_given=sequence_length is not None,
                          seed=int(seed), unknown_batch=bool(unknown_batch))
