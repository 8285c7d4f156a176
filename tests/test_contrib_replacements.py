"""The one table of unserved tf.contrib names: its errors, and MIGRATION.md's copy of it."""

from __future__ import annotations

import re

from conftest import REPO

from tf1_lstm.contrib import replacements


def migration_md_table() -> str:
    text = (REPO / "MIGRATION.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- replacements: [^>]*-->\n(.*?)<!-- end of replacements -->", text,
                      re.DOTALL)
    assert found, "MIGRATION.md lost its replacements section markers"
    return found[1]


def test_migration_md_publishes_exactly_the_codes_table():
    # On a mismatch: python -m tf1_lstm.contrib.replacements, and paste it between the markers.
    assert migration_md_table() == replacements.markdown_table()


def test_every_table_entry_is_a_row_of_the_published_table():
    rows = migration_md_table().splitlines()[2:]
    assert len(rows) == len(replacements.TF2_REPLACEMENTS) > 0
    for path, replacement in replacements.TF2_REPLACEMENTS.items():
        assert f"| `tf.contrib.{path}` | {replacement} |" in rows


def test_an_unserved_module_error_names_it_its_replacement_and_what_is_served():
    message = str(replacements.module_not_provided("distributions", ["rnn", "crf"]))
    assert message.startswith("tf.contrib.distributions is not provided by tf1-lstm")
    assert "tensorflow_probability.distributions" in message
    assert message.endswith("Provided: tf.contrib.rnn, tf.contrib.crf.")


def test_an_unlisted_name_in_a_served_module_points_to_the_modules_fallback():
    message = str(replacements.name_not_provided("cudnn_rnn", "CudnnLSTMV9", ["CudnnLSTM"]))
    assert "tf.contrib.cudnn_rnn.CudnnLSTMV9 is not provided" in message
    assert "keras.layers.LSTM / keras.layers.GRU" in message
    assert isinstance(replacements.name_not_provided("rnn", "X", []), AttributeError)


def test_a_module_with_many_names_lists_a_dozen_and_says_how_to_see_all():
    names = [f"name_{i}" for i in range(300)]
    message = str(replacements.name_not_provided("layers", "real_valued_column", names))
    assert "tf.feature_column.numeric_column" in message  # its own table entry
    assert "Provided here: 300 names, e.g. name_0, " in message and "name_12" not in message
    assert message.endswith("print(dir(tf.contrib.layers)) lists them all.")
    assert len(message) < 400
