"""How an error in a live TF1 session is shown: as ``tf1-lstm run`` shows a script's.

In IPython and the TF1 kernel (``show_error``, IPython's custom exception handler) and in a
plain Python REPL (``excepthook``):

- an error of ours (a ``tf.contrib`` name we do not serve, a bad MNIST file; also when Python
  turned it into a bare ImportError) is the user's line plus one ``tf1-lstm: error:`` line,
  no 40-line traceback through our code:

      Cell In[4], line 2
          from tensorflow.contrib.metrics import streaming_accuracy
      tf1-lstm: error: tf.contrib.metrics is not provided by tf1-lstm; ...

- a cell that does not compile keeps IPython's display, plus a hint when it is Python 2
  (``print x``: 2018 notebooks often ran on a Python 2 kernel);
- anything else keeps the session's own traceback, followed by one ``tf1-lstm: hint:`` line
  when we know the idiom behind it: the script runner's hints (``legacy.hints``), and one
  that only a live session needs, **a graph cell run twice**. TF1 graphs live as long as the
  process: running the cell that builds the model again asks ``tf.get_variable`` for
  ``rnn/basic_lstm_cell/kernel`` a second time, and TF 1.x (and 2.21) say "Variable
  rnn/basic_lstm_cell/kernel already exists, disallowed". The hint names ``%tf1_reset``
  (at a plain ``>>>`` prompt, ``tf.reset_default_graph()``; a script does not get it).
"""

from __future__ import annotations

import re
import sys
import traceback
from types import TracebackType

from tf1_lstm.legacy import hints
from tf1_lstm.legacy.doctor.files import is_python2
from tf1_lstm.legacy.runner import our_message, print_our_error, user_frames

RERUN_HINT = (
    "the default graph already holds this variable: a cell that builds the graph ran twice. "
    "Run %tf1_reset (tf.reset_default_graph()), then the cells that build the graph again, "
    "from the placeholders on")
PROMPT_RERUN_HINT = (
    "the default graph already holds this variable: the code that builds the graph ran twice "
    "in this session. Run tf.reset_default_graph(), then build the graph again, from the "
    "placeholders on")
_ALREADY_EXISTS = re.compile(r"Variable \S+ already exists, disallowed")
PYTHON2_HINT = ("this is Python 2 syntax (the notebook was written for a Python 2 kernel): "
                "convert its cells to Python 3 first (print(x), except E as e, ...), e.g. with "
                "2to3 on the notebook exported as a script")


def session_hint(error: BaseException, rerun_hint: str = RERUN_HINT) -> str | None:
    """The one-line hint for ``error`` in a live session, or None."""
    if isinstance(error, ValueError) and _ALREADY_EXISTS.match(str(error)):
        return rerun_hint
    return hints.hint_for(error)


def _last_cell_frame(shell, tb: TracebackType | None) -> traceback.FrameSummary | None:
    """The last frame of the traceback that runs a cell's code (IPython names those files)."""
    frames = [frame for frame in traceback.extract_tb(tb)
              if shell.compile.format_code_name(frame.filename) is not None]
    return frames[-1] if frames else None


def _syntax_error_lines(shell, etype, value) -> list[str]:
    """A cell that does not compile: IPython's own display (``Cell In[k], line n`` and a
    caret), plus a hint when the line is Python 2 (2018 notebooks often were)."""
    lines = shell.SyntaxTB.structured_traceback(etype, value, [])
    if is_python2(value, value.text or ""):
        lines = [*lines, f"tf1-lstm: hint: {PYTHON2_HINT}"]
    return lines


def _error_lines(shell, etype, value, tb, tb_offset) -> list[str]:
    if isinstance(value, SyntaxError) and shell.compile.format_code_name(
            value.filename or "") is not None:
        return _syntax_error_lines(shell, etype, value)
    message = our_message(value)
    if message is not None:
        where = _last_cell_frame(shell, tb)
        lines = [f"tf1-lstm: error: {message}"]
        if where is not None:
            label, name = shell.compile.format_code_name(where.filename)
            lines[:0] = [f"{label} {name}, line {where.lineno}", f"    {where.line}"]
        return lines
    lines = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    hint = session_hint(value)
    return [*lines, f"tf1-lstm: hint: {hint}"] if hint else lines


def show_error(shell, etype, value, tb, tb_offset=None) -> None:
    """IPython's custom exception handler (``shell.set_custom_exc``): shows the error.

    IPython discards what a handler returns, so it shows the lines itself, through the hook
    ``showtraceback`` ends in (``_showtraceback``: the terminal prints them, ipykernel sends
    them as the cell's error output), after keeping the error for ``%debug`` / ``%tb``.
    """
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    shell._showtraceback(etype, value, _error_lines(shell, etype, value, tb, tb_offset))


def excepthook(etype, value, tb) -> None:
    """``sys.excepthook`` for a plain Python session or script (``import tf1_lstm.activate``).

    A graph built twice is a session's slip at a ``>>>`` prompt (``sys.ps1`` exists), but a
    script's own bug: a script gets the script runner's hints only.
    """
    message = our_message(value)
    if message is None:
        sys.__excepthook__(etype, value, tb)
        at_prompt = hasattr(sys, "ps1")
        hint = session_hint(value, PROMPT_RERUN_HINT) if at_prompt else hints.hint_for(value)
        if hint:
            print(f"tf1-lstm: hint: {hint}", file=sys.stderr)
        return
    print_our_error(message, user_frames(value))
