"""The RoT ratio by hand: value created, risk reduced, investment, zero investment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rotlib.scoring.config import RotRatioConfig
from rotlib.scoring.ratio import portfolio_ratio, rot_ratio

CFG = RotRatioConfig.model_validate({
    "value_created": {"gross_margin": 0.5, "credit_share_sourced": 1.0,
                      "credit_share_influenced": 0.2, "renewal_value_per_account": 1000,
                      "credit_share_renewal": 0.5, "credit_share_expansion": 0.4},
    "risk_reduced": {"escalations": {"baseline": 0.1, "unit_cost": 100},
                     "disputes": {"baseline": 0.2, "unit_cost": 50},
                     "implementation_defects": {"baseline": 0.25, "unit_cost": 200},
                     "security_review_days": {"baseline": 30, "unit_cost": 10}},
    "investment": {"enablement_hour_cost": 100, "se_hour_cost": 200},
})

ROW = {
    "partner_id": "A", "quarter": "2026Q1", "quarter_index": 8104,
    "won_amount_sourced": 10000.0, "won_amount_influenced": 5000.0, "renewals_count": 2.0,
    "expansion_amount": 1000.0, "tickets_opened": 50.0, "escalations": 3.0,
    "closed_deals": 10.0, "disputes_opened": 1.0, "rework_rate__den": 8.0,
    "implementation_defects": 1.0, "security_review_days": 20.0,
    "security_posture_rate__den": 2.0, "investment_mdf": 1000.0,
    "investment_enablement_hours": 5.0, "investment_se_hours": 2.0,
    "investment_incentive": 300.0, "investment_co_marketing": 200.0,
}


def test_rot_ratio_by_hand():
    out = rot_ratio(pd.DataFrame([ROW]), CFG).iloc[0]
    # value: 0.5*10000 + 0.5*0.2*5000 + 0.5*1000*2 + 0.4*0.5*1000
    assert out[["value_sourced", "value_influenced", "value_renewal", "value_expansion"]
               ].tolist() == pytest.approx([5000, 500, 1000, 200])
    assert out["value_created"] == pytest.approx(6700)
    # risk: (0.1*50 - 3)*100, (0.2*10 - 1)*50, (0.25*8 - 1)*200, (30 - 20)*2*10
    assert out[["risk_escalations", "risk_disputes", "risk_defects", "risk_security_days"]
               ].tolist() == pytest.approx([200, 50, 200, 200])
    assert out["risk_reduced"] == pytest.approx(650)
    # investment: 1000 + 5*100 + 2*200 + 300 + 200
    assert out["investment"] == pytest.approx(2400)
    assert out["rot_ratio"] == pytest.approx(7350 / 2400)
    assert out["rot_ratio_status"] == "ok"


def test_zero_investment_is_reported_as_such():
    row = {**ROW, **{k: 0.0 for k in ROW if k.startswith("investment_")}}
    out = rot_ratio(pd.DataFrame([row]), CFG).iloc[0]
    assert np.isnan(out["rot_ratio"]) and out["rot_ratio_status"] == "no investment"
    assert out["value_created"] == pytest.approx(6700)  # the numerator is still shown


def test_missing_inputs_count_as_nothing_booked():
    row = {"partner_id": "B", "quarter": "2026Q1", "quarter_index": 8104,
           "investment_mdf": 100.0, "security_review_days": np.nan}
    out = rot_ratio(pd.DataFrame([row]), CFG).iloc[0]
    assert out["value_created"] == 0 and out["risk_security_days"] == 0
    assert out["rot_ratio"] == 0.0


def test_portfolio_baseline_and_portfolio_ratio():
    cfg = CFG.model_copy(update={"risk_reduced": CFG.risk_reduced.model_copy(update={
        "escalations": CFG.risk_reduced.escalations.model_copy(update={"baseline": "portfolio"})})})
    rows = [{**ROW, "partner_id": "A", "escalations": 1.0, "tickets_opened": 10.0},
            {**ROW, "partner_id": "B", "escalations": 3.0, "tickets_opened": 10.0,
             "investment_mdf": 0.0, "investment_enablement_hours": 0.0,
             "investment_se_hours": 0.0, "investment_incentive": 0.0,
             "investment_co_marketing": 0.0}]
    frame = pd.DataFrame(rows)
    out = rot_ratio(frame, cfg)
    # pooled rate 4/20 = 0.2: A avoided (2 - 1) escalations, B caused one more than baseline
    assert out["risk_escalations"].tolist() == pytest.approx([100, -100])
    port = portfolio_ratio(out, frame["quarter"]).iloc[0]
    numer = out["value_created"].sum() + out["risk_reduced"].sum()
    assert port["rot_ratio"] == pytest.approx(numer / 2400)  # ratio of sums, B's 0 included
    assert port["partners_with_investment"] == 1
