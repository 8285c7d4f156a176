"""The environment variables that switch parts of the TF1 world on, by name (imports nothing, so
the CLI and the bench can set them without reaching TensorFlow); ``activation`` reads them."""

FAST = "TF1_LSTM_FAST"  # "1": the RNN calls served by the fast path (legacy.fast_calls)
STEP_TIMES = "TF1_LSTM_STEP_TIMES"  # FILE: every Session.run's time, as JSON (legacy.step_times)
