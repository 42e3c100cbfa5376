"""Your own data in every chapter: the chapters × reshaped data matrix (issue 19).

Each case writes a file the way a user would bring it (day first, ``;`` with a decimal
comma, GBK, baskets only, an event log, three months, 50 customers, a survey, records),
runs a chapter on it with papermill through ``data_source`` and ``data_options``, and checks
that the chapter either runs, with recorded results equal to a direct computation on the
file, or stops with one named error: never a raw traceback, never a ``NameError``
cascade. Sections the data cannot feed must show a note (本节跳过).

The reading itself (dates, separators, encodings, shapes) is tested fast in
``tests/test_load.py``; here each chapter runs small (a few hundred customers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers.course import run_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {p.name[:2]: p for p in (ROOT / "notebooks").glob("0[1-9]_*.ipynb")}
#: The errors a chapter may stop with: they name the column or table and say what to do.
NAMED = {"DataNotAvailable", "DataValidationError", "AmbiguousDatesError"}
#: Sections of the chapters that use the real data sets are left out: they do not read
#: data_source, and the matrix stays quick.
QUICK = {"include_online_retail": False, "include_real_data": False, "include_wholesale": False}
QUICK |= {"include_bank_marketing": False, "seed": 3, "n_customers": 300}
OR_COLUMNS = {
    "customer_id": "CustomerID", "receipt_id": "InvoiceNo", "timestamp": "InvoiceDate",
    "sku": "StockCode", "quantity": "Quantity", "unit_price": "UnitPrice",
    "description": "Description", "country": "Country",
}  # fmt: skip
ZH_COLUMNS = {
    "customer_id": "会员号", "receipt_id": "小票号", "timestamp": "销售时间", "sku": "商品编码",
    "quantity": "数量", "unit_price": "单价", "amount": "金额",
}  # fmt: skip


@dataclass
class Run:
    """One executed chapter: what it recorded, its notes and its errors."""

    values: dict[str, Any]
    tables: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    out: Path = Path()


def run_chapter(chapter: str, source: Any, options: dict[str, Any], tmp: Path) -> Run:
    out = tmp / f"out_{chapter}"
    params = {**QUICK, "data_source": source, "data_options": options, "output_dir": str(out)}
    executed = tmp / f"{chapter}.ipynb"
    try:
        run_notebook(NOTEBOOKS[chapter], executed, params)
    except Exception as err:  # papermill stops at the first error; it is read below
        if type(err).__name__ != "PapermillExecutionError":
            raise
    nb = nbformat.read(executed, as_version=4)
    run = Run({}, {}, out=out)
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if o.output_type == "error":
                run.errors.append((o.ename, o.evalue))
            text = str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
            if "Section skipped (本节跳过)" in text:
                run.notes.append(text)
    path = out / "results.json"
    if path.exists():
        recorded = json.loads(path.read_text(encoding="utf-8"))
        run.values, run.tables = recorded["values"], recorded["tables"]
    return run


def assert_runs_or_stops_by_name(run: Run) -> None:
    """At most one error, and a named one (no raw traceback, no NameError cascade)."""
    assert len(run.errors) <= 1, run.errors
    for name, message in run.errors:
        assert name in NAMED, f"raw {name}: {message}"


# --------------------------------------------------------------------------- the files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every reshaped file, written once."""
    folder = tmp_path_factory.mktemp("own_data")
    shop = crm.load_retailer(seed=5, n_customers=300).with_tables("surveys", "customer_records")
    tx = shop.transactions()
    made: dict[str, Path] = {}

    def write(name: str, df: pd.DataFrame, **kwargs: Any) -> None:
        made[name] = folder / name
        df.to_csv(made[name], index=False, **kwargs)

    retail = crm.load_online_retail()
    retail = retail[retail["customer_id"] % 40 == 0]  # ~110 customers, the whole year
    european = retail.rename(columns=OR_COLUMNS)[list(OR_COLUMNS.values())]
    write("online_retail_eu.csv", european, sep=";", decimal=",", date_format="%d/%m/%Y %H:%M")
    write("online_retail_clean.csv", retail)
    baskets = retail[["receipt_id", "sku", "timestamp"]]
    write("or_baskets.csv", baskets.rename(columns={"receipt_id": "Invoice", "sku": "Item"}))
    cdnow = crm.load_cdnow("raw")
    write("cdnow_events.csv", cdnow[["customer_id", "date"]].rename(columns={"date": "day"}))
    end = tx["timestamp"].max()
    write("three_months.csv", tx[tx["timestamp"] > end - pd.DateOffset(months=3)])
    fifty = tx[tx["customer_id"].isin(tx["customer_id"].drop_duplicates().head(50))]
    write("fifty.csv", fifty)
    write("sim_gbk.csv", tx.rename(columns=ZH_COLUMNS)[list(ZH_COLUMNS.values())], encoding="gbk")
    write("sim_baskets.csv", tx[["receipt_id", "sku", "timestamp"]])
    early = tx[tx["timestamp"].dt.day <= 12]  # 03/04/2024: 3 April or 4 March?
    write("ambiguous_dates.csv", early, date_format="%d/%m/%Y %H:%M")
    survey_cols = ["response_id", "customer_id", "date", "product_quality", "price", "staff"]
    survey_cols += ["speed", "environment", "overall", "recommend"]
    write("survey.csv", shop.surveys[survey_cols])
    write("records.csv", shop.customer_records.drop(columns=["source_zh"]))
    return made


@pytest.fixture(scope="module")
def shared(files, tmp_path_factory: pytest.TempPathFactory):
    """Runs that several tests read (each chapter runs once per file)."""
    done: dict[tuple[str, str], Run] = {}

    def get(chapter: str, name: str, options: dict[str, Any]) -> Run:
        key = (chapter, name)
        if key not in done:
            tmp = tmp_path_factory.mktemp(f"run_{chapter}_{Path(name).stem}")
            done[key] = run_chapter(chapter, str(files[name]), options, tmp)
        return done[key]

    return get


# --------------------------------------------------------------------------- the matrix


def test_european_online_retail_runs_01_with_the_clean_files_total_sales(files, tmp_path):
    """The done-when case: `;`, decimal comma, day-first dates (01/12/2010 = 1 December),
    read with data_options only (the day order is found from the values)."""
    options = {"sep": ";", "decimal": ",", "columns": OR_COLUMNS}
    run = run_chapter("01", str(files["online_retail_eu.csv"]), options, tmp_path)
    assert run.errors == []
    clean = crm.load_transactions(files["online_retail_clean.csv"])
    shipped = crm.load_online_retail()
    shipped = shipped[shipped["customer_id"] % 40 == 0]
    assert run.values["summary"]["total_sales"] == pytest.approx(shipped["amount"].sum(), rel=1e-9)
    assert run.values["summary"]["total_sales"] == pytest.approx(clean["amount"].sum(), rel=1e-9)
    assert run.values["summary"]["visits"] == shipped["receipt_id"].nunique()
    monthly = pd.read_csv(run.out / "indicators_month.csv", parse_dates=["period"])
    by_month = shipped.groupby(shipped["timestamp"].dt.to_period("M"))["amount"].sum()
    assert monthly["total_sales"].to_numpy() == pytest.approx(by_month.to_numpy(), rel=1e-9)


def test_a_basket_file_runs_07s_basket_sections(files, tmp_path):
    """Real invoices of Online Retail as baskets (invoice, item, time: no customer, no
    price): the rules and recommendation sections run, the others show notes."""
    options = {"columns": {"receipt_id": "Invoice", "sku": "Item"}}
    run = run_chapter("07", str(files["or_baskets.csv"]), options, tmp_path)
    assert run.errors == []
    assert "hit_rates" in run.tables
    raw = pd.read_csv(files["or_baskets.csv"], dtype={"Invoice": str, "Item": str})
    baskets = crm.basket.baskets_from_transactions(raw, basket="Invoice", item="Item")
    when = pd.to_datetime(raw["timestamp"]).groupby(raw["Invoice"]).min()
    _, test = crm.basket.split_baskets(baskets, test_size=0.2, time=when)
    in_pairs = test.groupby("basket")["item"].transform("size") >= 2
    assert run.values["held_out_items"] == int(in_pairs.sum())
    assert any("'customer_id'" in n for n in run.notes)


def test_a_basket_file_in_01_shows_notes_naming_the_customer_column(files, tmp_path):
    options = {}
    run = run_chapter("01", str(files["sim_baskets.csv"]), options, tmp_path)
    assert_runs_or_stops_by_name(run)
    assert any("customer_id" in n for n in run.notes)


def test_a_survey_in_01_stops_with_a_named_error(files, tmp_path):
    run = run_chapter("01", str(files["survey.csv"]), {}, tmp_path)
    assert [name for name, _ in run.errors] == ["DataNotAvailable"]
    assert "transactions" in run.errors[0][1]


def test_dates_nothing_settles_stop_05_and_say_how_to_choose(files, tmp_path):
    run = run_chapter("05", str(files["ambiguous_dates.csv"]), {}, tmp_path)
    assert [name for name, _ in run.errors] == ["AmbiguousDatesError"]
    assert '"dayfirst": True' in run.errors[0][1] and "date_format" in run.errors[0][1]


def test_a_survey_runs_04s_driver_analysis(files, shared):
    run = shared("04", "survey.csv", {})
    assert_runs_or_stops_by_name(run)
    survey = pd.read_csv(files["survey.csv"])
    want = crm.satisfaction.driver_analysis(survey).set_index("attribute")["weight"]
    got = pd.read_csv(run.out / run.tables["drivers"]["file"]).set_index("attribute")["weight"]
    assert got.reindex(want.index).to_numpy() == pytest.approx(want.to_numpy(), rel=1e-9)
    assert run.values["nps_overall"]["nps"] == pytest.approx(
        crm.satisfaction.nps(survey["recommend"])["nps"], rel=1e-9
    )


def test_a_survey_in_04_never_uses_the_simulated_feedback(files, shared):
    run = shared("04", "survey.csv", {})
    survey = pd.read_csv(files["survey.csv"])
    assert run.values["nps_overall"]["n"] == len(survey)
    assert any("simulated retailer" in n for n in run.notes)  # complaints, staff


def test_an_event_log_runs_06s_bgnbd(shared):
    """CDNOW's purchases as an event log (customer, day; no amounts, no products)."""
    run = shared("06", "cdnow_events.csv", {"columns": {"timestamp": "day"}})
    assert_runs_or_stops_by_name(run)
    assert set(run.values["bgnbd_simulated"]) == {"r", "alpha", "a", "b"}


def test_an_event_log_in_06_skips_what_needs_amounts_with_notes(shared):
    run = shared("06", "cdnow_events.csv", {"columns": {"timestamp": "day"}})
    assert any("'amount'" in n for n in run.notes)
    assert any("simulated retailer" in n for n in run.notes)  # no simulated points ledger
    assert "points_liability" not in run.values


def test_three_months_run_06_with_notes_instead_of_tracebacks(files, tmp_path):
    run = run_chapter("06", str(files["three_months.csv"]), {}, tmp_path)
    assert run.errors == []
    assert run.notes


@pytest.mark.parametrize(
    ("chapter", "name", "options"),
    [
        ("05", "three_months.csv", {}),
        ("05", "fifty.csv", {}),
        ("03", "fifty.csv", {}),
        ("07", "sim_gbk.csv", {"encoding": "gbk", "columns": ZH_COLUMNS}),
        ("02", "records.csv", {}),
        ("06", "fifty.csv", {}),
        ("01", "sim_gbk.csv", {"encoding": "gbk", "columns": ZH_COLUMNS}),
        ("03", "cdnow_events.csv", {"columns": {"timestamp": "day"}}),
        ("05", "cdnow_events.csv", {"columns": {"timestamp": "day"}}),
        ("07", "three_months.csv", {}),
        ("02", "three_months.csv", {}),
    ],
    ids=[
        "05-three-months",
        "05-fifty-customers",
        "03-fifty-customers",
        "07-gbk",
        "02-records",
        "06-fifty-customers",
        "01-gbk",
        "03-event-log",
        "05-event-log",
        "07-three-months",
        "02-receipt-lines",
    ],
)
def test_a_chapter_runs_or_stops_by_name(files, tmp_path, chapter, name, options):
    run = run_chapter(chapter, str(files[name]), options, tmp_path)
    assert_runs_or_stops_by_name(run)
    assert not any(n == "NameError" for n, _ in run.errors)
    if chapter in ("05", "07") and not run.errors:
        tx = crm.load_data(files[name], **options).transactions
        recorded = run.values.get("data") or run.values.get("sizes")
        assert recorded["customers"] == tx["customer_id"].nunique()


def test_08_takes_your_receipt_lines_for_the_customer_file_evidence(files, tmp_path):
    """08's case material (firms, complaint log, rollout) stays simulated; the stage-1
    evidence comes from your file: its customers, and every line identified."""
    run = run_chapter("08", str(files["online_retail_clean.csv"]), {}, tmp_path)
    assert run.errors == []
    tx = pd.read_csv(files["online_retail_clean.csv"])
    facts = run.values["customer_file_facts"]
    assert facts["customers"] == tx["customer_id"].nunique()
    assert facts["identified_share"] == pytest.approx(1.0, rel=1e-12)


def test_08_with_an_event_log_notes_the_missing_amount(shared):
    run = shared("08", "cdnow_events.csv", {"columns": {"timestamp": "day"}})
    assert run.errors == []
    assert any("'amount'" in n for n in run.notes)
    assert "customer_file_facts" not in run.values
    assert "vendor_choice" in run.values  # the case sections after it still run


@pytest.mark.parametrize(
    ("name", "options", "column"),
    [
        ("cdnow_events.csv", {"columns": {"timestamp": "day"}}, "amount"),
        ("or_baskets.csv", {"columns": {"receipt_id": "Invoice", "sku": "Item"}}, "customer_id"),
    ],
    ids=["09-event-log", "09-baskets"],
)
def test_09_notes_what_a_plan_needs_instead_of_tracebacks(files, tmp_path, name, options, column):
    run = run_chapter("09", str(files[name]), {**options}, tmp_path)
    assert_runs_or_stops_by_name(run)
    assert run.errors == []
    assert any(repr(column) in n or column in n for n in run.notes)


def test_09_plans_on_your_receipt_lines(files, tmp_path):
    """Real Online Retail lines (no categories, no members): the whole plan runs on them."""
    run = run_chapter("09", str(files["online_retail_clean.csv"]), {}, tmp_path)
    assert run.errors == []
    shipped = crm.load_online_retail()
    shipped = shipped[shipped["customer_id"] % 40 == 0]
    assert run.values["summary"]["total_sales"] == pytest.approx(shipped["amount"].sum(), rel=1e-9)
    assert run.values["summary"]["customers"] == shipped["customer_id"].nunique()
    deciles = crm.segment.decile_table(shipped)
    top = deciles.loc[deciles["decile"] == 1, "sales_share"].iloc[0]
    assert run.values["top_decile_share"] == pytest.approx(top, rel=1e-9)


def test_receipt_lines_in_04_note_the_survey_and_never_score_the_simulated_one(files, tmp_path):
    run = run_chapter("04", str(files["three_months.csv"]), {}, tmp_path)
    assert run.errors == []
    assert any("survey table" in n and "'recommend'" in n for n in run.notes)
    assert "nps_overall" not in run.values and "drivers" not in run.tables
