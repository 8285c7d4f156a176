"""``tf1-lstm kernel install | list | uninstall``: the TF1 kernel for Jupyter (``kernelspec``).

The arguments are here and jupyter_client is imported only when the command runs, so
``tf1-lstm --help`` does not pay for it.
"""

from __future__ import annotations

import argparse
import sys

from tf1_lstm.notebook import DISPLAY_NAME, KERNEL_NAME


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser(
        "install", help="register the TF1 kernel for Jupyter, JupyterLab and VS Code",
        description=f"Register the kernel \"{DISPLAY_NAME}\": ipykernel with TensorFlow 1.x's "
                    "API switched on before the first cell, run by this Python "
                    f"({sys.executable}). Default: for this user.")
    where = install.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true",
                       help="for this user, in ~/.local/share/jupyter (the default)")
    where.add_argument("--sys-prefix", action="store_true",
                       help=f"in this environment ({sys.prefix}/share/jupyter)")
    where.add_argument("--prefix", metavar="P",
                       help="in P/share/jupyter (Jupyter finds it with "
                            "JUPYTER_PATH=P/share/jupyter)")
    install.add_argument("--name", default=KERNEL_NAME,
                         help="the kernel's name (default: %(default)s)")
    install.add_argument("--display-name", default=DISPLAY_NAME,
                         help="the name the notebook UI shows (default: %(default)s)")
    actions.add_parser("list", help="the tf1-lstm kernels Jupyter finds, and where",
                       description="List the tf1-lstm kernels Jupyter finds (JUPYTER_PATH "
                                   "included), with their folder and Python; a kernel whose "
                                   "Python is gone is marked broken.")
    uninstall = actions.add_parser(
        "uninstall", help="remove a tf1-lstm kernel",
        description="Remove a tf1-lstm kernel; a kernel that is not tf1-lstm's is refused.")
    uninstall.add_argument("--name", default=KERNEL_NAME,
                           help="the kernel's name (default: %(default)s)")


def main(args: argparse.Namespace) -> int:
    from tf1_lstm.notebook import kernelspec

    if args.action == "install":
        prefix = sys.prefix if args.sys_prefix else args.prefix
        folder = kernelspec.install(args.name, args.display_name, user=prefix is None,
                                    prefix=prefix)
        print(f"installed the kernel {args.display_name!r} as {args.name} in {folder}")
        print("choose it in Jupyter, JupyterLab or VS Code; `jupyter kernelspec list` shows it")
    elif args.action == "list":
        kernels = kernelspec.our_kernels()
        for name, spec in kernels.items():
            print(kernelspec.describe(name, spec))
        if not kernels:
            print("no tf1-lstm kernel is installed: tf1-lstm kernel install")
    else:
        print(f"removed the kernel {args.name} from {kernelspec.uninstall(args.name)}")
    return 0
