"""One ``tf1-lstm: note:`` line per emulated old name per run, on stderr.

Under ``tf1-lstm run`` an old name (TF 0.x's ``tf.mul``, NumPy 1's ``np.float``, TF 1.0's
``MultiRNNCell([cell] * n)``) runs as it did in its own release, and the user is told once:

    tf1-lstm: note: tf.mul is TF 0.x; ran it as tf.multiply

Every emulation in ``tf1_lstm.legacy`` words its line ``<old> is <release>; ran it as <how>``.
"""

from __future__ import annotations

import sys

PREFIX = "tf1-lstm: note: "

_noted: set[str] = set()  # the subjects already noted in this process


def note_once(subject: str, text: str) -> None:
    """Print ``tf1-lstm: note: <text>`` the first time ``subject`` is noted in this process."""
    if subject in _noted:
        return
    _noted.add(subject)
    print(f"{PREFIX}{text}", file=sys.stderr)


def ran_as(old: str, release: str, how: str) -> str:
    """The one wording of every note: ``<old> is <release>; ran it as <how>``."""
    return f"{old} is {release}; ran it as {how}"
