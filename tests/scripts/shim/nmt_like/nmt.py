"""Run as `python -m nmt_like.nmt --num_units 4`, the way tensorflow/nmt's nmt.nmt is run.

Prints what the module sees (its name, spec, file, argv, sys.path[0]) as JSON; with
NMT_LIKE_TF1=1 in the environment it also builds its TF1 model (model_helper) and adds what
that found.
"""
import argparse
import json
import os
import sys


def add_arguments(parser):
  parser.add_argument("--num_units", type=int, default=4, help="LSTM units")
  parser.add_argument("--exit_code", type=int, default=0, help="sys.exit() with this")
  parser.add_argument("--fail", action="store_true", help="divide by zero in model_helper")


def what_i_see():
  return {
      "name": __name__,
      "spec": __spec__.name,
      "package": __package__,
      "file": __file__,
      "argv": sys.argv,
      "path0": sys.path[0],
      "main_is_me": sys.modules["__main__"].__dict__ is globals(),
  }


def main(flags):
  facts = what_i_see()
  if os.environ.get("NMT_LIKE_TF1") == "1":
    from . import model_helper  # a relative import, as nmt's own modules do
    facts.update(model_helper.build_and_run(flags.num_units))
    if flags.fail:
      model_helper.divide_by_zero()
  print(json.dumps(facts))


if __name__ == "__main__":
  nmt_parser = argparse.ArgumentParser()
  add_arguments(nmt_parser)
  FLAGS, unparsed = nmt_parser.parse_known_args()
  main(FLAGS)
  sys.exit(FLAGS.exit_code)
