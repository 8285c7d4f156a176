"""tf.contrib.learn (text preprocessing, local datasets) and tensorboard's projector, on TF 2.21.

1. ``preprocessing``: TF 1.15's ``contrib/learn/python/learn/preprocessing/tests/text_test.py``
   and ``categorical_vocabulary_test.py`` with their expected ids and bytes; a vocabulary
   file pickled under TF 1.15's module paths restores into ours.
2. ``datasets``: TF's CSV layouts, DBpedia's fake data (TF's ``data/text_*.csv``) and a
   local DBpedia copy; what TF 1.15 downloaded or shipped is a clear error.
3. ``tensorboard.plugins.projector``: TF 1.15's ``projector_api_test.py``.
"""

from __future__ import annotations

import pickle
import sys
import types

import numpy as np
import pytest
from google.protobuf import text_format

from tf1_lstm.compat import tf
from tf1_lstm.contrib import learn, tensorboard
from tf1_lstm.contrib.learn.datasets import DatasetFileMissing
from tf1_lstm.contrib.learn.preprocessing import (
    ByteProcessor,
    CategoricalVocabulary,
    VocabularyProcessor,
    tokenizer,
)
from tf1_lstm.contrib.replacements import ContribNameError
from tf1_lstm.data import mnist

# --- 1. preprocessing -------------------------------------------------------------------------


def test_tokenizer_splits_words_punctuation_and_unicode_as_tf115():
    """text_test.testTokenizer."""
    words = tokenizer(["a b c", "a\nb\nc", "a, b - c", "фыв выф", "你好 怎么样"])
    assert list(words) == [["a", "b", "c"], ["a", "b", "c"], ["a", "b", "-", "c"],
                           ["фыв", "выф"], ["你好", "怎么样"]]


def test_tokenizer_splits_capitalised_runs():
    """TOKENIZER_RE's first two branches: a capital run not followed by a lower-case letter
    (HTTP, not HTTPS), and a capitalised word followed by a capital (Mc of McDonald's)."""
    assert list(tokenizer(["HTTPServer isOK", "McDonald's"])) == [
        ["HTTP", "Server", "isOK"], ["Mc", "Donald's"]]


def test_byte_processor_pads_and_reverses_utf8():
    """text_test.testByteProcessor."""
    processor = ByteProcessor(max_document_length=8)
    rows = list(processor.fit_transform(["abc", "фыва", "фыва", b"abc", "12345678901234567890"]))
    np.testing.assert_array_equal(rows, [[97, 98, 99, 0, 0, 0, 0, 0],
                                         [209, 132, 209, 139, 208, 178, 208, 176],
                                         [209, 132, 209, 139, 208, 178, 208, 176],
                                         [97, 98, 99, 0, 0, 0, 0, 0],
                                         [49, 50, 51, 52, 53, 54, 55, 56]])
    assert list(processor.reverse(rows)) == ["abc", "фыва", "фыва", "abc", "12345678"]


def test_vocabulary_processor_gives_tf115s_ids():
    """text_test.testVocabularyProcessor."""
    processor = VocabularyProcessor(max_document_length=4, min_frequency=1)
    tokens = processor.fit_transform(["a b c", "a\nb\nc", "a, b - c"])
    np.testing.assert_array_equal(list(tokens), [[1, 2, 3, 0], [1, 2, 3, 0], [1, 2, 0, 3]])


def test_vocabulary_processor_cuts_pads_and_reverses():
    processor = VocabularyProcessor(max_document_length=3)
    rows = list(processor.fit_transform(["the cat sat on the mat", "a dog"]))
    assert [row.dtype for row in rows] == [np.int64, np.int64]
    np.testing.assert_array_equal(rows, [[1, 2, 3], [6, 7, 0]])  # ids by first appearance
    assert list(processor.reverse(rows)) == ["the cat sat", "a dog <UNK>"]
    np.testing.assert_array_equal(list(processor.transform(["the unicorn"])), [[1, 0, 0]])


def test_vocabulary_processor_save_and_restore(tmp_path):
    """text_test.testVocabularyProcessorSaveRestore."""
    processor = VocabularyProcessor(max_document_length=4, min_frequency=1)
    list(processor.fit_transform(["a b c", "a\nb\nc", "a, b - c"]))
    processor.save(str(tmp_path / "test.vocab"))
    restored = VocabularyProcessor.restore(str(tmp_path / "test.vocab"))
    np.testing.assert_array_equal(list(restored.transform(["a b c"])), [[1, 2, 3, 0]])


def test_existing_vocabulary_and_tokenizer_are_used():
    """text_test.testExistingVocabularyProcessor."""
    vocab = CategoricalVocabulary()
    vocab.get("A")
    vocab.get("B")
    vocab.freeze()
    processor = VocabularyProcessor(max_document_length=4, vocabulary=vocab, tokenizer_fn=list)
    tokens = processor.fit_transform(["ABC", "CBABAF"])
    np.testing.assert_array_equal(list(tokens), [[1, 2, 0, 0], [0, 2, 1, 2]])


def tf115_vocabulary_file(path, monkeypatch):
    """A vocabulary file as TF 1.15 pickled it: classes named by TF's module paths.

    Stand-in classes with TF 1.15's attributes live under TF's module names while pickling;
    then those modules are gone, as they are on TF 2.21.
    """
    package = "tensorflow.contrib.learn.python.learn.preprocessing"
    text_module = types.ModuleType(f"{package}.text")
    vocabulary_module = types.ModuleType(f"{package}.categorical_vocabulary")
    for module, name in [(text_module, "VocabularyProcessor"),
                         (vocabulary_module, "CategoricalVocabulary")]:
        cls = type(name, (), {"__module__": module.__name__})
        setattr(module, name, cls)
        monkeypatch.setitem(sys.modules, module.__name__, module)

    def tf_tokenizer(iterator):
        raise AssertionError("never called: only pickled by reference")

    tf_tokenizer.__module__, tf_tokenizer.__qualname__ = text_module.__name__, "tokenizer"
    text_module.tokenizer = tf_tokenizer
    vocabulary = vocabulary_module.CategoricalVocabulary()
    vocabulary.__dict__.update(_unknown_token="<UNK>", _mapping={"<UNK>": 0, "hi": 1, "yo": 2},
                               _support_reverse=True, _reverse_mapping=["<UNK>", "hi", "yo"],
                               _freq={"hi": 3, "yo": 2}, _freeze=True)
    processor = text_module.VocabularyProcessor()
    processor.__dict__.update(max_document_length=3, min_frequency=1, vocabulary_=vocabulary,
                              _tokenizer=tf_tokenizer)
    path.write_bytes(pickle.dumps(processor, protocol=2))
    monkeypatch.undo()
    assert f"{package}.text" not in sys.modules


def test_restore_reads_a_vocabulary_file_pickled_by_tf115(tmp_path, monkeypatch):
    path = tmp_path / "vocab"
    tf115_vocabulary_file(path, monkeypatch)
    restored = VocabularyProcessor.restore(str(path))
    assert type(restored) is VocabularyProcessor
    assert type(restored.vocabulary_) is CategoricalVocabulary
    np.testing.assert_array_equal(list(restored.transform(["yo hi there"])), [[2, 1, 0]])
    assert list(restored.reverse([[1, 2, 0]])) == ["hi yo <UNK>"]


def test_int_vocabulary_numbers_by_first_appearance():
    """categorical_vocabulary_test.testIntVocabulary."""
    vocab = CategoricalVocabulary()
    assert [vocab.get(1), vocab.get(3), vocab.get(2), vocab.get(3)] == [1, 2, 3, 2]
    assert vocab.get(float("nan")) == 4  # this vocab doesn't handle nan specially
    assert len(vocab) == 5


def test_word_vocabulary_numbers_by_first_appearance():
    """categorical_vocabulary_test.testWordVocabulary."""
    vocab = CategoricalVocabulary()
    assert [vocab.get("a"), vocab.get("b"), vocab.get("a"), vocab.get("b")] == [1, 2, 1, 2]


def test_trim_keeps_counts_strictly_between_the_bounds():
    """categorical_vocabulary_test.testCountsTrim."""
    vocab = CategoricalVocabulary()
    vocab.get("c")
    vocab.add("c", 5)
    vocab.get("a")
    vocab.add("a", 10)
    vocab.add("b", 5)
    vocab.add("d", 12)
    vocab.trim(7, 11)
    vocab.freeze()
    assert (vocab.get("b"), vocab.get("c"), len(vocab), vocab.get("a")) == (0, 0, 2, 1)


def test_trim_orders_by_falling_frequency_then_alphabet():
    vocab = CategoricalVocabulary()
    for word, count in [("b", 2), ("a", 2), ("c", 5), ("z", 1)]:
        vocab.add(word, count)
    vocab.trim(1)
    assert [vocab.reverse(i) for i in range(len(vocab))] == ["<UNK>", "c", "a", "b"]


def test_reverse_without_support_is_refused():
    with pytest.raises(ValueError, match="support_reverse"):
        CategoricalVocabulary(support_reverse=False).reverse(0)


# --- 2. datasets ------------------------------------------------------------------------------

IRIS_HEAD = ("3,4,setosa,versicolor,virginica\n"  # TF's iris.csv layout, three of its rows
             "5.1,3.5,1.4,0.2,0\n7.0,3.2,4.7,1.4,1\n6.3,3.3,6.0,2.5,2\n")


def test_load_csv_with_header_reads_tfs_iris_layout(tmp_path):
    (tmp_path / "iris.csv").write_text(IRIS_HEAD)
    iris = learn.datasets.base.load_csv_with_header(
        str(tmp_path / "iris.csv"), target_dtype=np.int64, features_dtype=np.float32)
    assert iris.data.shape == (3, 4) and iris.data.dtype == np.float32
    np.testing.assert_array_equal(iris.target, [0, 1, 2])
    np.testing.assert_allclose(iris.data[2], [6.3, 3.3, 6.0, 2.5], rtol=1e-6)
    assert learn.datasets.load_iris(str(tmp_path / "iris.csv")).data.dtype == np.float64


def test_load_csv_without_header_takes_the_target_column(tmp_path):
    (tmp_path / "rows.csv").write_text('1,"Google","Google is a company."\n2,"Time","News."\n')
    rows = learn.datasets.base.load_csv_without_header(
        str(tmp_path / "rows.csv"), target_dtype=np.int32, features_dtype=str, target_column=0)
    np.testing.assert_array_equal(rows.target, [1, 2])
    assert rows.data.tolist() == [["Google", "Google is a company."], ["Time", "News."]]


def test_dbpedia_fake_data_is_tfs_text_csvs():
    data = learn.datasets.load_dataset("dbpedia", test_with_fake_data=True)
    assert data.validation is None
    np.testing.assert_array_equal(data.train.target, [1, 2, 3])
    assert data.train.data[1].tolist() == ["Larry Page", "Larry Page is the co-founder of Google."]
    assert data.test.data.tolist() == [["Sergey Brin", "Sergey Brin is the co-founder of Google."]]


def test_dbpedia_small_reads_every_thousandth_row_of_a_local_copy(tmp_path, monkeypatch):
    folder = tmp_path / "dbpedia_data" / "dbpedia_csv"
    folder.mkdir(parents=True)
    for split, count in [("train", 2001), ("test", 1001)]:
        (folder / f"{split}.csv").write_text(
            "".join(f'{i % 14 + 1},"title {i}","text {i}"\n' for i in range(count)))
    monkeypatch.chdir(tmp_path)
    data = learn.datasets.text_datasets.load_dbpedia(size="small")
    np.testing.assert_array_equal(data.train.target, [i % 14 + 1 for i in (0, 1000, 2000)])
    assert data.train.data[:, 0].tolist() == ["title 0", "title 1000", "title 2000"]
    assert data.test.data[:, 1].tolist() == ["text 0", "text 1000"]


def test_what_tf115_downloaded_or_shipped_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetFileMissing, match="dbpedia_csv.tar.gz"):
        learn.datasets.load_dataset("dbpedia")
    with pytest.raises(DatasetFileMissing, match=r"sklearn\.datasets\.load_iris"):
        learn.datasets.load_dataset("iris")
    with pytest.raises(FileNotFoundError, match="http://example.com/x.gz"):
        learn.datasets.base.maybe_download("x.gz", str(tmp_path / "work"), "http://example.com/x.gz")
    assert (tmp_path / "work").is_dir()  # the folder is made, as TF 1.15 did
    with pytest.raises(ValueError, match="Name of dataset is not found: cifar"):
        learn.datasets.load_dataset("cifar")


def test_mnist_is_tf1_lstms_reader():
    assert learn.datasets.mnist.read_data_sets is mnist.read_data_sets
    assert learn.datasets.DATASETS["mnist"] is learn.datasets.mnist.load_mnist


@pytest.mark.parametrize("name", ["Estimator", "Experiment", "RunConfig", "DNNClassifier"])
def test_the_rest_of_learn_raises_contrib_name_error(name):
    with pytest.raises(ContribNameError, match=f"tf.contrib.learn.{name} is not provided"):
        getattr(learn, name)


# --- 3. projector -----------------------------------------------------------------------------

projector = tensorboard.plugins.projector


def test_visualize_embeddings_writes_the_config_into_the_writers_logdir(tmp_path):
    """projector_api_test.testVisualizeEmbeddings."""
    config = projector.projector_config_pb2.ProjectorConfig()
    config.model_checkpoint_path = "test"
    embedding = config.embeddings.add()
    embedding.tensor_name = "tensor1"
    embedding.metadata_path = "metadata1"
    writer = tf.summary.FileWriter(str(tmp_path))
    projector.visualize_embeddings(writer, config)
    writer.close()
    written = (tmp_path / "projector_config.pbtxt").read_text()
    config2 = projector.ProjectorConfig()
    text_format.Parse(written, config2)
    assert config2 == config
    # The text TF 1.15's text_format wrote for the same config (package names do not appear).
    assert written == ('model_checkpoint_path: "test"\n'
                       'embeddings {\n  tensor_name: "tensor1"\n  metadata_path: "metadata1"\n}\n')


def test_projector_config_has_tf115s_fields():
    config = projector.ProjectorConfig(model_checkpoint_dir="ckpt")
    embedding = config.embeddings.add(tensor_name="emb", tensor_shape=[10, 3], tensor_path="t.tsv",
                                      bookmarks_path="b.txt")
    embedding.sprite.image_path = "sprite.png"
    embedding.sprite.single_image_dim.extend([28, 28])
    assert isinstance(embedding, projector.EmbeddingInfo)
    assert isinstance(embedding.sprite, projector.SpriteMetadata)
    assert text_format.Parse(text_format.MessageToString(config), projector.ProjectorConfig()) \
        == config
