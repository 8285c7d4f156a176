"""``tf1-lstm``: one sub-command per job; each imports its world (TF1 or TF2) only when it runs.

Keeping TensorFlow out of this module's imports makes ``tf1-lstm --help`` instant and lets
each command choose the TF1 graph world or the TF2 eager world for its own process.
"""

from __future__ import annotations

import argparse
import os
import sys

from tf1_lstm import VERBOSE_ENV, __version__
from tf1_lstm import claims as claims_command  # imports no TensorFlow until it runs
from tf1_lstm import inspect as inspect_command  # imports no TensorFlow until it runs
from tf1_lstm import verify as verify_command  # likewise
from tf1_lstm.bench import command as bench_command  # no TensorFlow or PyTorch until it runs
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.legacy import doctor as doctor_command  # reads files only, imports no TensorFlow
from tf1_lstm.legacy.switches import FAST  # imports nothing
from tf1_lstm.notebook import command as notebook_command  # no TensorFlow or Jupyter until run
from tf1_lstm.notebook import kernel_command  # jupyter_client only when it runs
from tf1_lstm.port import ckpt_command  # likewise
from tf1_lstm.port import command as port_command  # no TensorFlow/Keras/torch until it runs


def _demo(args: argparse.Namespace) -> int:
    from tf1_lstm.demo import print_claims, print_outputs_and_states, print_report, run_demo

    result = run_demo(data_dir=args.data_dir, steps=args.steps, seed=args.seed,
                      logdir=args.logdir)
    print_report(result)
    status = print_outputs_and_states()
    print_claims(result, data_dir=args.data_dir, seed=args.seed)
    return status


class MissingModuleName(Tf1LstmError, ValueError):
    """``tf1-lstm run -m`` was given no module."""


def _run(args: argparse.Namespace) -> int:
    from tf1_lstm.legacy.runner import run_module, run_script

    if args.fast:  # read by activate(), here or in a notebook's kernel process
        os.environ[FAST] = "1"
    if args.module is None and notebook_command.is_notebook_target(args.script):
        options = notebook_command.notebook_options(args, args.args, args.script)
        return notebook_command.run_notebooks(args.script, options)
    notebook_command.refuse_notebook_options(args, args.script or "-m MODULE")
    if args.module is None:
        return run_script(args.script, args.args)
    if not args.module:
        raise MissingModuleName("-m needs a module name, as python -m does: "
                                "tf1-lstm run -m package.module [ARGS...]")
    return run_module(args.module[0], args.module[1:])


def _add_command_module(commands, name: str, module, **parser_text: str) -> None:
    """A sub-command whose module provides ``add_arguments(parser)`` and ``main(args)``."""
    parser = commands.add_parser(name, **parser_text)
    module.add_arguments(parser)
    parser.set_defaults(run=module.main)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tf1-lstm",
        allow_abbrev=False,  # a script's own --v=3 is not an abbreviation of --verbose
        description="Run TensorFlow 1.x LSTM code (tf.contrib.rnn, input_data, sessions) on "
                    "TensorFlow 2.21, and see what it computes.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--verbose", action="store_true",
                        help="keep TensorFlow's own logs and deprecation warnings")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo", help="train document 002's static_rnn MNIST model and print its test accuracy",
        description="Train document 002's model (BasicLSTMCell(128) over static_rnn, Adam 0.001, "
                    "batch 128) on the MNIST in --data-dir, or on the embedded 5,000-digit "
                    "subset when no MNIST files are there, and print the test accuracy.")
    demo.add_argument("--data-dir", default="/tmp/data/",
                      help="folder holding the four MNIST IDX .gz files (default: %(default)s)")
    demo.add_argument("--steps", type=_positive_int, default=800,
                      help="training steps (default: %(default)s, as in the document)")
    demo.add_argument("--seed", type=int, default=42, help="graph and data seed (default: 42)")
    demo.add_argument("--logdir", default=None, metavar="DIR",
                      help="also write TensorBoard files into a new run folder under DIR: "
                           "static_rnn's graph with its loss/accuracy curves, and the same cell "
                           "over dynamic_rnn (graph only), to compare the unrolled graph with "
                           "the while loop; nothing already in DIR is changed")
    demo.set_defaults(run=_demo)

    run = commands.add_parser(
        "run", help="run an unmodified TF1 script, module or notebook (import tensorflow as tf, "
                    "tf.contrib.rnn, ...)",
        usage="%(prog)s [-h] (SCRIPT [ARGS ...] | -m MODULE [ARGS ...] | NOTEBOOK.ipynb "
              "[--out PATH | --inplace] [--timeout S] [--quiet] | FOLDER)",
        description="Run SCRIPT exactly as `python SCRIPT ARGS...` would, or with -m MODULE as "
                    "`python -m MODULE ARGS...` would (e.g. -m nmt.nmt), with TensorFlow 1.x's "
                    "API in place: `import tensorflow as tf` is tf.compat.v1 in graph mode, "
                    "tf.contrib.rnn / layers / slim / ... (and TF1's private paths such as "
                    "tensorflow.contrib.rnn.python.ops.rnn_cell) and tensorflow.examples."
                    "tutorials.mnist.input_data (or a bare `import input_data`) work. The exit "
                    "code is the script's. A NOTEBOOK.ipynb runs cell by cell in a Jupyter kernel "
                    "with TF1 in place (magics, !shell lines and plots as in Jupyter); the "
                    "executed copy, outputs and figures included, is written to "
                    "NAME.executed.ipynb beside it (the notebook itself only with --inplace). "
                    "The first failing cell stops the run: its number, line and error are "
                    "printed, what ran is written, the exit code is 1. A FOLDER runs every "
                    "notebook in it, one result line each.")
    script_or_module = run.add_mutually_exclusive_group(required=True)
    script_or_module.add_argument("script", nargs="?", metavar="SCRIPT",
                                  help="the TF1 Python script (not with -m)")
    script_or_module.add_argument(
        "-m", dest="module", nargs=argparse.REMAINDER, metavar="MODULE ARGS",
        help="run the module MODULE (a package: its __main__.py) as `python -m` does, with the "
             "current folder first on sys.path; everything after it goes to the module "
             "(not with SCRIPT)")
    run.add_argument("--fast", action="store_true",
                     help="run the script's BasicLSTMCell / LSTMCell RNNs (static_rnn, "
                          "dynamic_rnn, the bidirectional ones, MultiRNNCell stacks) on "
                          "tf1-lstm's fast path: same variables, same results; other calls "
                          "run as TF's own, each reason noted once (also TF1_LSTM_FAST=1)")
    run.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS",
                     help="arguments passed to the script")
    notebook_command.add_notebook_options(run)
    run.set_defaults(run=_run)

    kernel = commands.add_parser(
        "kernel", help="install, list or remove the TF1 Jupyter kernel",
        description="The Jupyter kernel \"Python 3 (TensorFlow 1.x, tf1-lstm)\": ipykernel "
                    "with TensorFlow 1.x's API in place before the first cell, for Jupyter, "
                    "JupyterLab and VS Code. `tf1-lstm run NOTEBOOK` needs no install.")
    kernel_command.add_arguments(kernel)
    kernel.set_defaults(run=kernel_command.main)

    shell = commands.add_parser(
        "shell", help="IPython with TensorFlow 1.x in place (%%tf1_reset included)",
        description="Start IPython with `%%load_ext tf1_lstm` already run: `import tensorflow "
                    "as tf` is TF1's API. In a notebook on another kernel, run `%%load_ext "
                    "tf1_lstm` first; in plain Python, `import tf1_lstm.activate`.",
        usage="%(prog)s [IPYTHON ARGS ...]", epilog=notebook_command.SHELL_EPILOG)
    shell.set_defaults(run=notebook_command.shell)

    _add_command_module(
        commands, "doctor", doctor_command,
        help="before `run`: which TF1 names a script, folder or notebook uses, and what "
             "run does with each",
        description="Read PATHs (scripts, folders, .ipynb notebooks) without running them "
                    "or importing TensorFlow, and list per file every TF1 name used "
                    "(tf.contrib.rnn.LSTMCell, tf.mul, tf.train.SummaryWriter, import keras, "
                    "np.float, ...) with what `tf1-lstm run` does with it: served, emulated "
                    "(the note it prints) or missing (the TF2 replacement). Exits 0 when "
                    "nothing is missing, 1 otherwise (--strict: also when something is only "
                    "emulated), 2 for a PATH that does not exist.")

    _add_command_module(
        commands, "inspect", inspect_command,
        help="explain what outputs and states are for an RNN or a seq2seq decoder you describe",
        description="Build outputs, states = static_rnn/dynamic_rnn(cell, X) from the options, "
                    "print their nested structure as a tree (types, shapes, index paths such as "
                    "states[-1][1]), run it once and verify the equalities between them. "
                    "The defaults are document 001's BasicRNNCell(5) example. With --decoder "
                    "training|greedy|beam: outputs, final_state, final_sequence_lengths of "
                    "tf.contrib.seq2seq.dynamic_decode, explained and verified the same way.")

    _add_command_module(
        commands, "verify", verify_command,
        help="prove the hand-written LSTM/GRU graphs compute what TF's cells compute",
        description="Run the comparison matrix: hand-written cells (tf1_lstm.cells) vs TF's "
                    "built-in cells restored from one checkpoint vs a float64 NumPy reference, "
                    "over shapes, forget_bias, sequence_length, stacking, static/dynamic and "
                    "dtype; finite-difference gradient checks; document 003's hand trace. "
                    "Prints a table and exits 1 on any failure; --quick covers every axis "
                    "with fewer cases (measured times: README).")

    _add_command_module(
        commands, "claims", claims_command,
        help="check every claim of the five documents by measurement: table, report and plots",
        description="Measure each claim the five documents make (parameter counts, shapes, "
                    "outputs/states, batching, the hand trace, accuracy, LSTM vs simple RNN vs "
                    "GRU, vanishing gradients), print a table (document, claim, what we "
                    "measured, verdict) and write claims.md, claims.json and PNG plots into "
                    "--out (measured times: README).")

    _add_command_module(
        commands, "port", port_command,
        help="convert a TF1 LSTM/GRU checkpoint to Keras 3, PyTorch or ONNX, proven equal",
        description="Read a TF1 checkpoint (BasicLSTMCell / LSTMCell / GRUCell / BasicRNNCell, one "
                    "or a MultiRNNCell stack, plus a dense head) and the .meta graph beside it "
                    "(forget_bias, weight-shared layers, what the logits read), write a Keras 3 "
                    "model, PyTorch weights with the model's plain-PyTorch module beside "
                    "them, or an ONNX model, and prove it on the same random input: "
                    "against the checkpoint's own graph restored, and against the TF1 cells "
                    "rebuilt, printing max |diff| of logits, outputs and final states. What the "
                    "target cannot hold exactly is refused with the reason and the exact "
                    "alternative; every fact the proof could not check is said.")

    _add_command_module(
        commands, "ckpt", ckpt_command,
        help="list a TF1 checkpoint of any era, or rename a TF 0.12 / 1.0 one to TF 1.2+ names",
        description="ls: every variable of a checkpoint, its shape and what it is (RNN layer, "
                    "dense head, optimizer state). upgrade OLD NEW: write NEW with the RNN "
                    "variables of TF 0.12 (BasicLSTMCell/Linear/Matrix, MultiRNNCell/Cell0, "
                    "LSTMCell/W_0) or TF 1.0-1.1 (weights, biases) under TF 1.2+'s names, "
                    "which TF 2 and tf1-lstm port read; OLD is never written. (tf1-lstm port "
                    "reads every era directly.)")

    _add_command_module(
        commands, "bench", bench_command,
        help="time static_rnn, dynamic_rnn, our cells and fast path, Keras 3, PyTorch",
        description="Time a training step and inference (batch 1024, and batch 1 for "
                    "latency) of documents 002 and 001's models and, at 002's sizes, "
                    "LSTMCell with peepholes, GRUCell and a bidirectional LSTM, for every "
                    "path: static_rnn, dynamic_rnn, the hand-written cells, the fast path "
                    "(tf1_lstm.fast), the block cells, Keras 3 and PyTorch (at its fastest "
                    "thread count), each in its own process one after another, and static_rnn "
                    "and the fast path pinned to one core; print ratios to the TF1 built-in "
                    "and PyTorch, GFLOP/s and the share of a matmul ceiling measured on this "
                    "machine, graph construction and first-step time at T = 28, 100, 500, the "
                    "seq2seq decoders, then issue 17's goals, met or not (measured times: "
                    "README, BENCHMARKS.md).")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unparsed = parser.parse_known_args(argv)
    if args.command == "shell":  # `tf1-lstm shell --simple-prompt -c CODE`: IPython's own
        args.ipython_args = unparsed
    elif unparsed:
        parser.error(f"unrecognized arguments: {' '.join(unparsed)}")
    if args.verbose:
        os.environ[VERBOSE_ENV] = "1"  # read by tf1_lstm.compat when the command imports it
    try:
        return args.run(args)
    except Tf1LstmError as error:
        print(f"tf1-lstm: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
