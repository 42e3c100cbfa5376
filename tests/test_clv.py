"""crm_helpers.clv: hand-built summaries, the published CDNOW parameters, lifetimes' own
summary as an independent implementation, the simulator's generating parameters, and
clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import clv
from crm_helpers.schema import DataValidationError


def _sig3(x: float) -> float:
    return float(f"{x:.3g}")


def _tx(rows):
    d = pd.DataFrame(rows, columns=["customer_id", "timestamp", "amount"])
    return d.assign(
        timestamp=pd.to_datetime(d["timestamp"], format="ISO8601"),
        receipt_id=np.arange(len(d)) + 1,
    )


def test_rfm_summary_by_hand_including_a_single_purchase():
    tx = _tx([(1, "2024-01-01", 10.0), (1, "2024-01-15", 20.0), (1, "2024-01-29", 40.0),
              (2, "2024-01-08", 5.0)])  # fmt: skip
    s = clv.rfm_summary(tx, "2024-02-05")
    assert s.loc[1].tolist() == [2, 4.0, 5.0, 30.0]  # repeat values 20 and 40
    assert s.loc[2].tolist() == [0, 0.0, 4.0, 0.0]  # one purchase: no repeats
    # two receipts on one day are one purchase with unit="day"
    same_day = _tx([(1, "2024-01-01 09:00", 10.0), (1, "2024-01-01 18:00", 5.0),
                    (1, "2024-01-08", 7.0)])  # fmt: skip
    assert clv.rfm_summary(same_day, "2024-01-15", unit="day").loc[1, "frequency"] == 1
    assert clv.rfm_summary(same_day, "2024-01-15", unit="receipt").loc[1, "frequency"] == 2


def test_rfm_summary_equals_lifetimes_summary_on_cdnow():
    lifetimes = clv._lifetimes()  # imported without its pandas deprecation warning
    tx = crm.load_cdnow()
    ref = lifetimes.utils.summary_data_from_transaction_data(
        tx, "customer_id", "timestamp", "amount", observation_period_end="1998-06-30", freq="D"
    )
    ours = clv.rfm_summary(tx, "1998-06-30", unit="day", time_unit="D")
    pd.testing.assert_frame_equal(
        ours[ref.columns].astype("float64"), ref.astype("float64"), check_names=False
    )


def test_rfm_summary_reproduces_the_shipped_cdnow_calibration_summary():
    ours = clv.rfm_summary(crm.load_cdnow(), "1997-09-30", unit="day")
    shipped = crm.load_cdnow("summary")
    j = ours.join(shipped.add_suffix("_shipped"), how="inner")
    assert len(j) == 2349  # the 8 customers with a single $0 purchase are not in tx
    assert (j["frequency"] == j["frequency_shipped"]).all()
    for col in ("recency", "T"):  # the shipped file is rounded to 2 decimals
        assert (j[col] - j[f"{col}_shipped"]).abs().max() <= 0.005 + 1e-9


def test_published_bgnbd_parameters_on_cdnow():
    """Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426."""
    p = clv.fit_bgnbd(crm.load_cdnow("summary")).params_
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for k, v in published.items():
        assert _sig3(p[k]) == _sig3(v), k


def test_published_gamma_gamma_parameters_on_cdnow():
    """Fader & Hardie (2013): p = 6.25, q = 3.74, γ = 15.44 (lifetimes calls γ ``v``)."""
    p = clv.fit_gamma_gamma(crm.load_cdnow("summary_monetary")).params_
    for k, v in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert _sig3(p[k]) == _sig3(v), k


def test_calibration_holdout_by_hand():
    tx = _tx([(1, "2024-01-01", 10.0), (1, "2024-01-15", 20.0), (1, "2024-02-12", 40.0),
              (1, "2024-02-19", 60.0), (2, "2024-03-01", 5.0), (3, "2024-01-29", 1.0)])  # fmt: skip
    ch = clv.calibration_holdout(tx, "2024-02-05", "2024-03-04")
    assert ch.index.tolist() == [1, 3]  # customer 2 first bought in the hold-out
    assert ch.loc[1, ["frequency", "recency", "T"]].tolist() == [1, 2.0, 5.0]
    assert ch.loc[1, "frequency_holdout"] == 2
    assert ch.loc[1, "monetary_value_holdout"] == 50.0
    assert ch.loc[3, "frequency_holdout"] == 0
    assert ch["duration_holdout"].iloc[0] == 4.0
    with pytest.raises(ValueError, match="calibration_end .* must lie inside the data"):
        clv.calibration_holdout(tx, "2030-01-01")


def test_holdout_check_on_cdnow():
    """Calibration on the first 39 weeks, hold-out the next 39 (as in FHL 2005). The
    conditional expectations rise with calibration frequency as the actual means do, and
    the total forecast is within 20 % of the actual hold-out purchases (a sanity floor;
    FHL's figure 2 shows the BG/NBD tracking the cumulative curve closely)."""
    ch = clv.calibration_holdout(crm.load_cdnow(), "1997-10-01", "1998-07-01", unit="day")
    table = clv.holdout_check(clv.fit_bgnbd(ch), ch)
    assert table["customers"].sum() == len(ch)
    assert table["predicted"].is_monotonic_increasing
    assert table["actual"].is_monotonic_increasing
    total_pred = (table["predicted"] * table["customers"]).sum()
    assert total_pred == pytest.approx(ch["frequency_holdout"].sum(), rel=0.2)


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(6000, seed=5)


def test_bgnbd_recovers_the_generating_parameters_of_a_segment(shop):
    """One latent segment's customers (recency and T in weeks, receipts as purchases).
    Tolerances as in tests/test_simulate.py: over seeds 1–5 (n = 5,000) the family
    segment's r and α were within 14 % and r/α within 5 %."""
    s = clv.rfm_summary(shop.transactions(), shop.end)
    seg = shop.truth["customers"].set_index("customer_id")["segment"].astype(str)
    true = shop.truth["segments"].set_index("segment").loc["family"]
    fit = clv.fit_bgnbd(s[seg.loc[s.index].to_numpy() == "family"]).params_
    assert fit["r"] == pytest.approx(true["r"], rel=0.2)
    assert fit["alpha"] == pytest.approx(true["alpha"], rel=0.2)
    assert fit["r"] / fit["alpha"] == pytest.approx(true["r"] / true["alpha"], rel=0.08)
    assert fit["a"] / (fit["a"] + fit["b"]) == pytest.approx(true["mean_dropout"], rel=0.25)


def test_predict_clv_and_historical_value(shop):
    tx = shop.transactions()
    s = clv.rfm_summary(tx, shop.end)
    rate = clv.customer_margin_rate(tx, "unit_cost")
    out = clv.predict_clv(clv.fit_bgnbd(s), clv.fit_gamma_gamma(s), s, margin=rate, months=12)
    assert out["p_alive"].between(0, 1).all()
    # CLV has the sign of the margin: customers buying below cost are worth less than nothing
    assert (np.sign(out["clv"]) == np.sign(rate.loc[out.index]).where(out["clv"] != 0, 0)).all()
    # customers the generator knows to be alive have a higher probability alive
    alive = shop.truth["customers"].set_index("customer_id").loc[s.index, "alive_at_end"]
    assert (
        out.loc[alive.to_numpy(bool), "p_alive"].mean()
        > out.loc[~alive.to_numpy(bool), "p_alive"].mean() + 0.2
    )
    hist = clv.historical_clv(tx, margin="unit_cost")
    assert hist["sales"].sum() == pytest.approx(tx["amount"].sum())
    direct = (tx["amount"] - tx["unit_cost"] * tx["quantity"]).groupby(tx["customer_id"]).sum()
    assert np.allclose(hist["margin"], direct.loc[hist.index])
    assert (hist["margin"] < hist["sales"]).all()
    assert hist["margin"].is_monotonic_decreasing


def test_clv_is_discounted_spend_times_margin_by_hand():
    """CLV over 3 months written out: Δ expected purchases in month m × expected value ×
    margin / (1 + d)^m, with the BG/NBD and Gamma-Gamma functions called directly."""
    s = crm.load_cdnow("summary_monetary")
    bgf, ggf = clv.fit_bgnbd(s), clv.fit_gamma_gamma(s)
    rate = pd.Series(np.linspace(0.1, 0.5, len(s)), index=s.index)
    out = clv.predict_clv(bgf, ggf, s, margin=rate, months=3, monthly_discount_rate=0.02)
    weeks = 365.25 / 12 / 7
    f, r, t = s["frequency"], s["recency"], s["T"]
    value = ggf.conditional_expected_average_profit(f, s["monetary_value"])
    total = 0.0
    for m in (1, 2, 3):
        n_m = bgf.conditional_expected_number_of_purchases_up_to_time(m * weeks, f, r, t)
        n_prev = bgf.conditional_expected_number_of_purchases_up_to_time((m - 1) * weeks, f, r, t)
        total = total + (n_m - n_prev) * value * rate / 1.02**m
    assert np.allclose(out["clv"], total, rtol=1e-9)
    assert np.allclose(out["spend"] * rate, out["clv"])
    # a constant rate scales CLV linearly; revenue CLV would be rate = 1
    flat = clv.predict_clv(bgf, ggf, s, margin=0.25, months=3, monthly_discount_rate=0.02)
    assert np.allclose(flat["clv"], 0.25 * flat["spend"])
    # without discounting, the spend is expected purchases × expected value
    plain = clv.predict_clv(bgf, ggf, s, margin=1.0, months=3, monthly_discount_rate=0.0)
    assert np.allclose(plain["clv"], plain["expected_purchases"] * plain["expected_value"])


def test_margin_inputs_by_hand_and_refused_ones():
    tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
                       "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                       "amount": [100.0, 60.0, 40.0], "quantity": [2, 1, 4],
                       "unit_cost": [35.0, 50.0, 5.0]})  # fmt: skip
    # margins: 100 − 70 = 30, 60 − 50 = 10, 40 − 20 = 20
    assert clv.line_margin(tx, "unit_cost").tolist() == [30.0, 10.0, 20.0]
    assert clv.customer_margin_rate(tx, "unit_cost").tolist() == pytest.approx([0.25, 0.5])
    hist = clv.historical_clv(tx, margin=pd.Series({1: 0.2, 2: 0.5}))
    assert hist.loc[1, "margin"] == pytest.approx(32.0) and hist.loc[2, "margin"] == 20.0
    with pytest.raises(ValueError, match="divide it by 100"):
        clv.historical_clv(tx, margin=30)
    with pytest.raises(DataValidationError, match="no column 'cost'"):
        clv.historical_clv(tx, margin="cost")
    with pytest.raises(DataValidationError, match=r"no rate for customers \[2\]"):
        clv.line_margin(tx, pd.Series({1: 0.2}))
    with pytest.raises(TypeError, match="historical_clv"):
        clv.historical_clv(tx)  # a margin is required: no CLV on revenue by default
    s = clv.rfm_summary(tx)
    with pytest.raises(TypeError, match="customer_margin_rate"):
        clv.predict_clv(None, None, s, margin="unit_cost")


def test_gamma_gamma_without_amounts_says_so():
    s = crm.load_cdnow("summary_monetary").assign(monetary_value=0.0)
    with pytest.raises(DataValidationError, match="no purchase amounts.*BG/NBD"):
        clv.fit_gamma_gamma(s)
    with pytest.raises(DataValidationError, match="no purchase amounts"):
        clv.fit_gamma_gamma(s.drop(columns="monetary_value"))


def test_an_event_log_without_amounts_fits_bgnbd_and_refuses_money():
    """Customer and date only: frequency, recency and T as with amounts, no pretended money."""
    tx = crm.load_cdnow()
    events = tx.drop(columns="amount")
    with_money = clv.rfm_summary(tx, "1998-06-30", unit="day")
    s = clv.rfm_summary(events, "1998-06-30", unit="day")
    cols = ["frequency", "recency", "T"]
    pd.testing.assert_frame_equal(s[cols], with_money[cols])
    assert s["monetary_value"].isna().all()
    # BG/NBD needs only counts and times: the same fit as with amounts
    assert clv.fit_bgnbd(s).params_.to_dict() == pytest.approx(
        clv.fit_bgnbd(with_money).params_.to_dict(), rel=1e-6
    )
    with pytest.raises(DataValidationError, match="no purchase amounts.*BG/NBD"):
        clv.fit_gamma_gamma(s)
    ch = clv.calibration_holdout(events, "1997-10-01", "1998-07-01", unit="day")
    ref = clv.calibration_holdout(tx, "1997-10-01", "1998-07-01", unit="day")
    assert (ch["frequency_holdout"] == ref["frequency_holdout"]).all()
    assert ch["monetary_value_holdout"].isna().all()


def test_too_few_customers_and_bad_summaries():
    small = pd.DataFrame({"frequency": [1, 0, 2], "recency": [1.0, 0, 3], "T": [5.0, 5, 5],
                          "monetary_value": [1.0, 0, 2]})  # fmt: skip
    with pytest.raises(ValueError, match="Too few customers to fit BG/NBD: 3"):
        clv.fit_bgnbd(small)
    with pytest.raises(ValueError, match="Too few customers with repeat purchases"):
        clv.fit_gamma_gamma(small)
    bad = pd.concat([small] * 20, ignore_index=True).assign(T=0.5)
    with pytest.raises(DataValidationError, match="recency is larger than T"):
        clv.fit_bgnbd(bad)
    with pytest.raises(DataValidationError, match="no column 'T'"):
        clv.fit_bgnbd(small.drop(columns="T"))
    with pytest.raises(ValueError, match="unit must be one of"):
        clv.rfm_summary(_tx([(1, "2024-01-01", 1.0)]), unit="month")


def test_a_degenerate_fit_gets_advice_not_a_traceback():
    same = pd.DataFrame({"frequency": [1] * 50, "recency": [5.0] * 50, "T": [5.0] * 50})
    with pytest.raises(ValueError, match="did not converge.*penalizer_coef"):
        clv.fit_bgnbd(same)


def test_an_optimiser_failure_gets_advice(monkeypatch):
    lifetimes = clv._lifetimes()
    ConvergenceError = lifetimes.utils.ConvergenceError  # noqa: N806

    def boom(self, *args, **kwargs):
        raise ConvergenceError("The model did not converge. Try adding a larger penalizer.")

    monkeypatch.setattr(lifetimes.BetaGeoFitter, "fit", boom)
    with pytest.raises(ValueError, match="BG/NBD fit did not converge.*more customers"):
        clv.fit_bgnbd(crm.load_cdnow("summary"))
