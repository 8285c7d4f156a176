"""``tf1-lstm doctor PATH...``: which TF1 names a project uses, and what ``run`` does with each.

Reads the user's files as syntax trees and the installed packages as source, so it runs
nothing of either and imports no TensorFlow (``tf1-lstm --help`` and the doctor stay fast):

    files.py          the files of the PATHs: scripts, folders, notebook cells, Python 2
    scan.py           the TF1 names a file uses (imports, attribute chains, two kinds of call)
    catalogue.py      what run does with a name: served, emulated (its note), missing (the
                      replacement), walked the way run resolves it
    import_paths.py   what ``import <path>`` gives under run (the shim's finders, on files)
    legacy_tables.py  the TF 0.x / NumPy 1 / TF 1.0 tables of tf1_lstm.legacy, and their notes
    sources.py        installed modules read without importing them (files, names, tables)
    report.py         per-file names, summary, exit status, the JSON shape
    command.py        add_arguments, main
"""

from tf1_lstm.legacy.doctor.command import add_arguments, main

__all__ = ["add_arguments", "main"]
