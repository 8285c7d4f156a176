"""A package with no __main__.py: `python -m no_main_pkg` cannot run it."""
