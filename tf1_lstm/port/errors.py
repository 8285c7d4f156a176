"""What can go wrong in ``tf1-lstm port``, each error naming the problem and the fix.

All are ``Tf1LstmError``s, so the CLI prints them as one line. ``UnportableMapping`` and its
subclasses are the *refusals*: the checkpoint was read fine, but the target cannot compute
what the TF1 cell computes, so writing a file would give a silently different model.
"""

from __future__ import annotations

from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.output_files import OutputExists  # noqa: F401 - re-raised by name (port.worlds)


class PortError(Tf1LstmError):
    """Base of the port's errors."""


class CheckpointNotFound(PortError):
    """No TF1 checkpoint at the given path."""


class CheckpointUnreadable(PortError):
    """The checkpoint's files are there but TensorFlow cannot read them."""


class NoRnnVariablesFound(PortError):
    """The checkpoint has no BasicLSTMCell / LSTMCell / GRUCell / BasicRNNCell variables."""


class AmbiguousGraph(PortError):
    """More than one RNN stack or dense head fits: the user must pick one."""


class MalformedCell(PortError):
    """A cell's variables are there, but their shapes do not fit together."""




class BadOutputPath(PortError):
    """The output's suffix does not fit the target, or its folder does not exist."""


class TorchMissing(PortError):
    """``--to torch`` without PyTorch installed."""


class TargetWorldFailed(PortError):
    """The Keras 3 / PyTorch subprocess crashed (a bug: its traceback is in the message)."""


class UnportableMapping(PortError):
    """A refusal: the target cannot represent the TF1 cell exactly."""


class BadPortOption(PortError):
    """An option's value cannot be used (--forget-bias nan, --feed without '=')."""


class ForgetBiasContradiction(PortError):
    """--forget-bias says one value, the checkpoint's own graph (.meta) another."""


class UnportedVariable(PortError):
    """The model's output reads a variable the port does not carry over (an embedding, ...)."""


class GraphUnreadable(PortError):
    """The .meta graph beside the checkpoint cannot be imported (an op TF 2.21 lacks, ...)."""


class GraphProofImpossible(PortError):
    """The .meta graph was read, but the proof cannot run it (a placeholder to feed, ...)."""


class ProofFailed(PortError):
    """The written model does not compute what the TF1 source computes (a bug: nothing kept)."""
