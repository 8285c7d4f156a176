"""The MNIST reader's paths: a file given as the folder, and files that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_mnist_reader import TRAIN_IMAGES, write_mnist
from test_runner import tf1_lstm_run, write_script

from tf1_lstm.data import MnistFileError, read_data_sets
from tf1_lstm.data.idx import read_idx_images
from tf1_lstm.data.mnist import MNIST_FILES


@pytest.fixture(autouse=True)
def _no_mnist_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """TF1_LSTM_MNIST=subset would skip reading the files these tests are about."""
    monkeypatch.delenv("TF1_LSTM_MNIST", raising=False)


@pytest.fixture
def mnist_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "MNIST_data"
    folder.mkdir()
    write_mnist(folder)
    return folder


@pytest.mark.parametrize("name", [TRAIN_IMAGES, "notes.txt"])
def test_a_file_given_as_train_dir_is_an_error_naming_its_folder(mnist_dir: Path, name: str):
    path = mnist_dir / name
    path.touch()
    with pytest.raises(MnistFileError) as error:
        read_data_sets(path)  # today: no MNIST files "in" it, so the embedded subset
    message = str(error.value)
    assert f"'{path}' is a file, not a folder" in message
    assert f"pass its folder, '{mnist_dir}'" in message
    assert "\n" not in message


def test_a_file_given_as_train_dir_fails_the_script_with_one_error_line(mnist_dir: Path):
    script = write_script(mnist_dir.parent, f"""
        from tensorflow.examples.tutorials.mnist import input_data
        mnist = input_data.read_data_sets({str(mnist_dir / TRAIN_IMAGES)!r}, one_hot=True)
        print("trained on something")
    """)
    result = tf1_lstm_run(script)
    assert (result.returncode, result.stdout) == (1, "")
    assert "Traceback" not in result.stderr and "embedded" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"tf1-lstm: error: '{mnist_dir / TRAIN_IMAGES}' is a file, not a folder")


# Tests run as root, and chmod 000 does not stop root from reading a file. So unreadability
# is made two ways that hold for any user: a folder under the file's name (the OS refuses to
# read it: IsADirectoryError), and Path.open raising the PermissionError a non-root user gets.


@pytest.mark.parametrize("folders", [(TRAIN_IMAGES,), MNIST_FILES], ids=["one", "all four"])
def test_a_folder_named_like_an_mnist_file_is_an_error_naming_it(
    tmp_path: Path, folders: tuple[str, ...]
):
    write_mnist(tmp_path, skip=folders)
    for name in folders:
        (tmp_path / name).mkdir()  # today: skipped as missing (all four: the subset, silently)
    with pytest.raises(MnistFileError, match="it is a folder") as error:
        read_data_sets(tmp_path)
    assert str(tmp_path / TRAIN_IMAGES) in str(error.value)


def test_reading_a_folder_as_an_idx_file_is_mnist_file_error(tmp_path: Path):
    folder = tmp_path / TRAIN_IMAGES
    folder.mkdir()
    with pytest.raises(MnistFileError, match=f"^{folder}: cannot read it: it is a folder"):
        read_idx_images(folder)  # today: a raw IsADirectoryError


def test_an_mnist_file_without_read_permission_is_an_error_naming_it(
    mnist_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    unreadable = mnist_dir / TRAIN_IMAGES
    real_open = Path.open

    def open_as_non_root(path: Path, *args, **kwargs):
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_as_non_root)
    with pytest.raises(MnistFileError, match="cannot read it: permission denied") as error:
        read_data_sets(mnist_dir)  # today: a raw PermissionError
    assert str(error.value).startswith(f"{unreadable}: ")
