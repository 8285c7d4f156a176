"""``tf.app.flags`` and ``tf.app.run`` as a TF <= 1.13 script knew them.

Up to TF 1.13, ``tf.app.run()`` parsed the flags and called ``main`` itself, and TensorFlow
did not load ``absl.logging``, so the flag names absl uses (``--log_dir``, ``--logtostderr``,
``-v`` / ``--verbosity``, ``--alsologtostderr``, ...) were free for scripts. TF 2.21's
``tf.compat.v1.app.run`` is ``absl.app.run``, and absl defines those flags at import, so a
script's ``tf.app.flags.DEFINE_string("log_dir", ...)`` raises DuplicateFlagError.

``install(facade)`` (only ``tf1-lstm run`` calls it):

- marks every flag absl or TensorFlow defined ``allow_override``, so the script's own
  definition of that name replaces it (absl's documented mechanism), whatever route the
  script defines it by (``tf.app.flags``, ``tf.flags``, ``absl.flags``). Only the name
  defined changes hands: ``DEFINE_integer("v", ...)`` takes ``-v`` and leaves absl its
  ``--verbosity``;
- serves ``tf.app.run`` as TF 1.13's (``tensorflow/python/platform/app.py``): define the
  help flags, parse the known flags of ``sys.argv`` (or ``argv``), ``sys.exit(main(argv))``.
  absl's run would also bump ``--verbosity`` to 0 after parsing and route logging through
  absl's handler, both of which read absl's own flags the script may have replaced.

No note is printed: nothing the script wrote runs differently from TF 1.13.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

from absl import app as absl_app
from absl import flags as absl_flags

from tf1_lstm.legacy.history import namespace

FRAMEWORK_MODULES = ("absl.", "tensorflow.")


def let_scripts_redefine_framework_flags(flag_values=absl_flags.FLAGS) -> list[str]:
    """Mark absl's and TensorFlow's own flags overridable; returns their names."""
    names = []
    for module, flags in flag_values.flags_by_module_dict().items():
        if module.startswith(FRAMEWORK_MODULES):
            for flag in flags:
                flag.allow_override = True
                names.append(flag.name)
    return names


def run_like_tf113(main: Callable[[list[str]], int | None] | None = None,
                   argv: list[str] | None = None):
    """TF 1.13's ``tf.app.run``: parse the known flags, then ``sys.exit(main(argv))``."""
    absl_app.define_help_flags()
    argv = absl_flags.FLAGS(sys.argv if argv is None else argv, known_only=True)
    main = main or sys.modules["__main__"].main
    sys.exit(main(argv))


def install(facade: types.ModuleType) -> None:
    """TF 1.13's flags and ``tf.app.run`` for the script behind ``facade`` (see above)."""
    let_scripts_redefine_framework_flags()
    namespace(facade, "tf.app").run = run_like_tf113
