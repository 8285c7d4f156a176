"""The TF1 Jupyter kernel: ``python -m tf1_lstm.notebook.kernel -f CONNECTION_FILE``.

ipykernel, the kernel Jupyter, JupyterLab, VS Code and nbclient start for Python, with the TF1
world switched on before it reads its first cell:

1. ``activate()`` (``tf1_lstm.legacy.activation``): the bootstrap, the import shim, NumPy 1's
   names. Here, not in the extension, so a kernel that cannot switch TF1 on dies at start with
   the reason instead of running cells in the wrong world.
2. ipykernel's ``IPKernelApp`` with ``tf1_lstm`` as an IPython extension (``%tf1_reset``, our
   error display), started with Jupyter's own arguments.
3. ``sys.argv`` loses the kernel's ``-f CONNECTION_FILE`` once the kernel has read it: a
   notebook's ``tf.app.flags`` / ``argparse`` then see no arguments, as in a script run
   without any (under a plain Jupyter kernel they fail on ``-f``, "Unknown command line flag
   'f'", and 2018 notebooks worked around it with a dummy flag, which still works).
"""

from __future__ import annotations

import sys

from ipykernel.kernelapp import IPKernelApp

from tf1_lstm.legacy.activation import activate


def main() -> None:
    activate()
    app = IPKernelApp.instance()
    app.initialize([*sys.argv[1:], "--ext=tf1_lstm"])
    sys.argv = sys.argv[:1]
    app.start()


if __name__ == "__main__":
    main()
