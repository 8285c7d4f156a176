"""The fast path's one error: what it cannot run, and what to change (imports no TensorFlow)."""

from __future__ import annotations

from tf1_lstm.errors import Tf1LstmError


class FastPathError(Tf1LstmError, ValueError):
    """The fast path cannot run this RNN; the message says what to change."""
