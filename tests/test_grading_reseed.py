"""The re-run seed must be able to tell a typed-in answer from a computed one: a seed on
which the normal seed's own answers pass a check (a count that happens to coincide) is
seen by ``_blind_checks`` and replaced by the batch (``grading.batch._references``)."""

from __future__ import annotations

from pathlib import Path

from crm_helpers.grading.batch import _blind_checks, build_reference

CHAPTER = Path(__file__).resolve().parent.parent / "notebooks" / "01_overview.ipynb"
BASE = {"seed": 3, "n_customers": 300}


def test_on_the_same_data_every_typed_in_answer_passes_and_is_seen(tmp_path):
    broken, answers = build_reference(str(CHAPTER), BASE, str(tmp_path / "normal.pkl"))
    assert not broken  # the instructor's answers pass their own checks
    build_reference(str(CHAPTER), BASE, str(tmp_path / "same.pkl"))
    data_checks = {gid for gid, values in answers.items() if values}
    assert data_checks  # chapter 01 has value answers (total_sales, n_lapsed, ...)
    assert set(_blind_checks(tmp_path / "same.pkl", answers)) == data_checks


def test_on_another_seed_the_totals_differ_so_their_check_is_not_blind(tmp_path):
    _, answers = build_reference(str(CHAPTER), BASE, str(tmp_path / "normal.pkl"))
    other = {**BASE, "seed": BASE["seed"] + 1000}
    build_reference(str(CHAPTER), other, str(tmp_path / "other.pkl"))
    blind = _blind_checks(tmp_path / "other.pkl", answers)
    assert "ex01-1-check" not in blind  # another retailer sells another total
    assert _blind_checks(tmp_path / "missing.pkl", answers) == []
