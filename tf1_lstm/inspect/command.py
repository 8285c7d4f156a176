"""``tf1-lstm inspect``: the options (defaults: document 001's example) and the command.

Without ``--decoder`` it explains ``outputs, states`` of static_rnn/dynamic_rnn
(``inspect_rnn``); with ``--decoder training|greedy|beam`` it explains ``outputs,
final_state, final_sequence_lengths`` of tf.contrib.seq2seq's dynamic_decode
(``inspect_decoder``), where --cell and --steps default to lstm and 3.
"""

from __future__ import annotations

import argparse
import sys

from tf1_lstm.cells.kinds import CELL_KINDS, listed
from tf1_lstm.inspect.build import inspect_rnn
from tf1_lstm.inspect.data import CELLS, MODES, X_BATCH_001, InspectError
from tf1_lstm.inspect.decoder_build import inspect_decoder
from tf1_lstm.inspect.decoder_data import (
    ATTENTIONS,
    DECODERS,
    DEFAULT_BEAM_WIDTH,
    DEFAULT_CELL,
    DEFAULT_STEPS,
    DEFAULT_VOCAB,
)
from tf1_lstm.inspect.decoder_format import format_decoder_inspection
from tf1_lstm.inspect.format import format_inspection

# The command


def _lengths(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, one per batch row (e.g. 2,1,2,2), "
            f"got {text!r}") from None


class _Given(argparse.Action):
    """Store the value and note that it was given: the decoders have defaults of their own."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        namespace.given = frozenset(getattr(namespace, "given", frozenset()) | {self.dest})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tf1-lstm inspect`` options; the defaults are document 001's example."""
    tf1_names = listed([kind.tf1_name for kind in CELL_KINDS.values()])
    parser.set_defaults(given=frozenset())
    parser.add_argument("--cell", choices=list(CELLS), default="rnn", action=_Given,
                        help=f"{tf1_names} (default: %(default)s; {DEFAULT_CELL} with "
                             "--decoder, for the encoder and the decoder)")
    parser.add_argument("--layers", type=int, default=1,
                        help="N > 1 stacks N cells in a MultiRNNCell (default: %(default)s)")
    parser.add_argument("--units", type=int, default=5, help="num_units H (default: 5)")
    parser.add_argument("--steps", type=int, default=2, action=_Given,
                        help=f"time steps T (default: 2; with --decoder {DEFAULT_STEPS}: the "
                             "source steps T_memory, and the training targets' length)")
    parser.add_argument("--inputs", type=int, default=3,
                        help="input size I (default: 3; with --decoder also the embedding "
                             "depth)")
    parser.add_argument("--batch", type=int, default=None,
                        help="batch size B (default: 4, or one row per --sequence-length value)")
    parser.add_argument("--mode", choices=MODES, default="dynamic",
                        help="static_rnn over tf.unstack(X, T, 1), or dynamic_rnn over X "
                             "[B, T, I] (default: %(default)s)")
    parser.add_argument("--sequence-length", type=_lengths, default=None, metavar="L,L,...",
                        help="one length per batch row, e.g. 2,1,2,2 (sets the batch size); "
                             "with --decoder the source lengths: memory_sequence_length and "
                             "the TrainingHelper's lengths (default T, T-1, ..., 1, T, ...)")
    parser.add_argument("--seed", type=int, default=0,
                        help="graph seed and random input seed (default: %(default)s)")
    parser.add_argument("--x-batch-001", action="store_true",
                        help="feed document 001's X_batch (4 x 2 x 3) instead of random input; "
                             "its printed outputs need --sequence-length 2,1,2,2")
    parser.add_argument("--unknown-batch", action="store_true",
                        help="build X as tf.placeholder(tf.float32, [None, T, I]) as the "
                             "documents do (shapes then show ? for the batch; with --decoder "
                             "every placeholder, and beam search then reorders "
                             "alignment_history)")
    decoders = parser.add_argument_group(
        "seq2seq decoders", "explain outputs, final_state, final_sequence_lengths = "
        "tf.contrib.seq2seq.dynamic_decode(decoder) of an encoder (dynamic_rnn) and a decoder: "
        "the tree of the three, and the equalities between them verified on one run")
    decoders.add_argument("--decoder", choices=DECODERS, default=None,
                          help="training: BasicDecoder + TrainingHelper (teacher forcing); "
                               "greedy: BasicDecoder + GreedyEmbeddingHelper; beam: "
                               "BeamSearchDecoder over tile_batch'ed memory and state "
                               "(default: none, the RNN inspection)")
    decoders.add_argument("--attention", choices=ATTENTIONS, default=None,
                          help="wrap the decoder cell in an AttentionWrapper(BahdanauAttention "
                               "or LuongAttention, alignment_history=True) over the encoder's "
                               "outputs (default: none)")
    decoders.add_argument("--beam-width", type=int, default=None, metavar="N",
                          help=f"beam_width of --decoder beam (default: {DEFAULT_BEAM_WIDTH})")
    decoders.add_argument("--vocab", type=int, default=None, metavar="V",
                          help="vocabulary size V of the output layer and the embedding, "
                               f"GO = 0 and EOS = 1 included (default: {DEFAULT_VOCAB})")


def _refuse_mixed_options(args: argparse.Namespace) -> None:
    """One-line errors for options that do not go together (InspectError)."""
    decoder = args.decoder
    if decoder is None:
        for flag, value in (("--attention", args.attention), ("--beam-width", args.beam_width),
                            ("--vocab", args.vocab)):
            if value is not None:
                raise InspectError(f"{flag} is for the seq2seq decoders: add --decoder "
                                   f"training, greedy or beam (or leave out {flag})")
        return
    if args.beam_width is not None and decoder != "beam":
        raise InspectError(f"--beam-width is for --decoder beam; --decoder {decoder} keeps no "
                           "beams")
    refused = [("--mode static", args.mode == "static",
                "dynamic_decode is a tf.while_loop, there is no static unrolling"),
               ("--layers", args.layers != 1, "the decoders use one cell (no MultiRNNCell)"),
               ("--x-batch-001", args.x_batch_001, "document 001's X_batch is for the RNN "
                                                   "inspection")]
    for flag, given, why in refused:
        if given:
            raise InspectError(f"{flag} does not go with --decoder: {why}")


def main(args: argparse.Namespace) -> int:
    """Print the explanation; 1 if a verified equality did not hold (a bug somewhere)."""
    _refuse_mixed_options(args)
    if args.decoder is not None:
        given = args.given
        inspection = inspect_decoder(
            decoder=args.decoder, attention=args.attention or "none",
            cell=args.cell if "cell" in given else DEFAULT_CELL, units=args.units,
            steps=args.steps if "steps" in given else DEFAULT_STEPS, inputs=args.inputs,
            batch=args.batch, vocab=DEFAULT_VOCAB if args.vocab is None else args.vocab,
            beam_width=args.beam_width, sequence_length=args.sequence_length, seed=args.seed,
            unknown_batch=args.unknown_batch)
        print(format_decoder_inspection(inspection))
    else:
        inspection = inspect_rnn(
            cell=args.cell, layers=args.layers, units=args.units, steps=args.steps,
            inputs=args.inputs, batch=args.batch, mode=args.mode,
            sequence_length=args.sequence_length, seed=args.seed,
            x_batch=X_BATCH_001 if args.x_batch_001 else None, unknown_batch=args.unknown_batch)
        print(format_inspection(inspection))
    failed = [check for check in inspection.checks if not check.passed]
    for check in failed:
        print(f"tf1-lstm inspect: CHECK FAILED: {check.claim} (max |diff| "
              f"{check.max_abs_diff:.3g}, {check.kind} expected)", file=sys.stderr)
    return 1 if failed else 0
