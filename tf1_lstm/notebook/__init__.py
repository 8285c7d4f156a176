"""Notebooks and live sessions with TensorFlow 1.x switched on.

- ``tf1-lstm run NOTEBOOK.ipynb | FOLDER`` (``execute``, ``command``): the code cells in order,
  in a real Jupyter kernel (``kernel``) started with TF1 on; the executed copy is written
  beside the input.
- ``tf1-lstm kernel install | list | uninstall`` (``kernelspec``): that kernel for Jupyter,
  JupyterLab and VS Code.
- ``%load_ext tf1_lstm`` (``extension``), ``import tf1_lstm.activate``, ``tf1-lstm shell``:
  TF1 in an ordinary IPython, Jupyter or Python session; ``%tf1_reset`` (``magics``) and the
  error display (``session_errors``) come with it.

The client side (``execute``, ``kernelspec``, ``command``) imports no TensorFlow: only the
kernel's process is the TF1 world.
"""

KERNEL_NAME = "tf1-lstm"  # the kernelspec's name (tf1-lstm kernel install --name changes it)
DISPLAY_NAME = "Python 3 (TensorFlow 1.x, tf1-lstm)"  # what notebook UIs show
KERNEL_MODULE = "tf1_lstm.notebook.kernel"  # python -m KERNEL_MODULE -f CONNECTION_FILE
