"""What makes an unmodified TF1 script run: the import shim, Keras 2, the runner, the hints."""
