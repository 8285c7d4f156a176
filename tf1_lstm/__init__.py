"""tf1-lstm: run TensorFlow 1.x LSTM code on TensorFlow 2.

Importing this package imports no TensorFlow: ``tf1_lstm.bootstrap`` starts the TF1 world
(``tf1_lstm.compat`` exports it), and each command of ``tf1_lstm.cli`` picks its world when it
runs.
"""

__version__ = "0.1.0"

# Set to 1 before tf1_lstm.bootstrap is imported to keep TensorFlow's logs and warnings.
VERBOSE_ENV = "TF1_LSTM_VERBOSE"


def load_ipython_extension(ipython) -> None:
    """``%load_ext tf1_lstm``: TensorFlow 1.x in this IPython/Jupyter session (see
    ``tf1_lstm.notebook.extension``)."""
    from tf1_lstm.notebook.extension import load

    load(ipython)
