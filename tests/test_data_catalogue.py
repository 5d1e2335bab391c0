from __future__ import annotations

import shutil

import pytest

from matsci_ml.data import (
    DatasetIntegrityError,
    DatasetMissingError,
    catalogue,
    file_status,
    get_dataset,
    load_matbench,
    load_mlearn,
    select,
)
from matsci_ml.paths import data_dir


def test_catalogue_entries_are_complete():
    entries = catalogue()
    assert len(entries) == 13
    assert len({d.name for d in entries}) == len(entries)
    for d in entries:
        assert d.url.startswith("https://") and len(d.sha256) == 64
        assert d.licence and d.citation and d.path
    assert {d.group for d in entries} == {"matbench", "mlearn"}


def test_mlearn_urls_pin_the_published_commit():
    for d in select(["mlearn"]):
        assert "10c427a5480c6281c15c64efaf869b03be04818f" in d.url


def test_select_by_group_and_name():
    assert len(select(["mlearn"])) == 8
    assert [d.name for d in select(["matbench_expt_gap", "matbench"])][0] == "matbench_expt_gap"
    assert len(select(["matbench_expt_gap", "matbench"])) == 5
    with pytest.raises(ValueError, match="Unknown dataset 'nope'.*matbench_expt_gap"):
        select(["nope"])


def test_every_file_in_the_data_folder_verifies():
    states = {d.name: file_status(d).state for d in catalogue()}
    assert set(states.values()) == {"ok"}, states


def _copy_with_flipped_byte(tmp_path, name):
    dataset = get_dataset(name)
    target = dataset.local_path(tmp_path)
    target.parent.mkdir(parents=True)
    shutil.copy(dataset.local_path(), target)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    return dataset, target


def test_one_flipped_byte_is_rejected_and_never_loaded(tmp_path):
    dataset, target = _copy_with_flipped_byte(tmp_path, "matbench_expt_gap")
    status = file_status(dataset, tmp_path)
    assert status.state == "corrupt"
    with pytest.raises(DatasetIntegrityError) as error:
        load_matbench("matbench_expt_gap", root=tmp_path)
    message = str(error.value)
    assert str(target) in message and dataset.sha256 in message and "was not loaded" in message
    assert "matsci-ml data fetch matbench_expt_gap" in message


def test_flipped_byte_in_mlearn_is_rejected(tmp_path):
    _copy_with_flipped_byte(tmp_path, "mlearn_Li_test")
    with pytest.raises(DatasetIntegrityError, match="sha256 expected 554d0ce6"):
        load_mlearn("Li", "test", root=tmp_path)


def test_missing_file_names_dataset_and_fetch_command(tmp_path):
    with pytest.raises(DatasetMissingError, match=r"'mlearn_Ge_test'.*matsci-ml data fetch mlearn_Ge_test"):
        load_mlearn("Ge", "test", root=tmp_path)


def test_default_data_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MATSCI_ML_DATA", str(tmp_path))
    assert data_dir() == tmp_path.resolve()
    monkeypatch.delenv("MATSCI_ML_DATA")
    assert data_dir().name == "datasets" and ".cache" in str(data_dir())
