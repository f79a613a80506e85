"""Our estimates equal independent implementations on the same data, and reproduce
the published Callaway & Sant'Anna (2021) minimum-wage example.

Reference pairs (ours -> independent check):
- cs simple, dynamic (diff-diff)     -> moderndid att_gt/aggte
- cs group (moderndid aggte)         -> diff-diff CallawaySantAnna
- twfe (pyfixest, absorbed FE)       -> statsmodels OLS with unit and period dummies
- 2x2 (pyfixest)                     -> diff-diff DifferenceInDifferences, statsmodels
- sunab (diff-diff SunAbraham)       -> pyfixest saturated event study
- did2s (diff-diff TwoStageDiD)      -> pyfixest did2s
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from lift_testdata import COLS

from rotlib.lift import did
from rotlib.lift.simulate import simulate_staggered_panel

TOL = 1e-6


def _numeric_ids(panel: pd.DataFrame) -> pd.DataFrame:
    """Reference libraries get integer unit ids in the same sorted order as ours."""
    out = panel.copy()
    codes = {u: i + 1 for i, u in enumerate(sorted(out["unit"].unique()))}
    out["uid"] = out["unit"].map(codes)
    out["d"] = ((out["first_treated"] > 0) & (out["period"] >= out["first_treated"])).astype(int)
    return out


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return simulate_staggered_panel(n_units=160, n_periods=7, cohorts=(3, 5), seed=21).panel


def _moderndid_simple(data: pd.DataFrame, control: str, xformla: str | None, method: str):
    import moderndid as md

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gt = md.att_gt(
            data,
            yname="y",
            tname="period",
            idname="uid",
            gname="first_treated",
            xformla=xformla,
            est_method=method,
            control_group=control.replace("_", ""),
            cband=False,
        )
        return md.aggte(gt, type="simple", cband=False)


@pytest.mark.parametrize("control", ["never_treated", "not_yet_treated"])
def test_cs_simple_matches_moderndid(small: pd.DataFrame, control: str) -> None:
    ours = did(small, method="cs", control=control, **COLS)
    ref = _moderndid_simple(_numeric_ids(small), control, None, "reg")
    print(
        f"cs {control}: ours ({ours.engine}) {ours.estimate:.10f} ({ours.se:.10f}) "
        f"moderndid {ref.overall_att:.10f} ({ref.overall_se:.10f})"
    )
    assert ours.estimate == pytest.approx(ref.overall_att, abs=TOL, rel=TOL)
    assert ours.se == pytest.approx(ref.overall_se, abs=TOL, rel=TOL)


def test_cs_with_covariates_matches_moderndid(small: pd.DataFrame) -> None:
    ours = did(small, method="cs", covariates=["size"], **COLS)
    ref_data = _numeric_ids(small)
    ref_data["size_mid"] = (ref_data["size"] == "mid").astype(float)
    ref_data["size_small"] = (ref_data["size"] == "small").astype(float)
    ref = _moderndid_simple(ref_data, "never_treated", "~size_mid+size_small", "dr")
    assert ours.estimate == pytest.approx(ref.overall_att, abs=TOL, rel=TOL)
    assert ours.se == pytest.approx(ref.overall_se, abs=TOL, rel=TOL)


def test_cs_dynamic_matches_moderndid_aggte(small: pd.DataFrame) -> None:
    import moderndid as md

    ours = did(small, method="cs", aggregation="dynamic", **COLS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gt = md.att_gt(
            _numeric_ids(small),
            yname="y",
            tname="period",
            idname="uid",
            gname="first_treated",
            est_method="reg",
            cband=False,
        )
        ref = md.aggte(gt, type="dynamic", cband=False)
    print(
        f"cs dynamic: ours ({ours.engine}) {ours.estimate:.10f} ({ours.se:.10f}) "
        f"moderndid {ref.overall_att:.10f} ({ref.overall_se:.10f})"
    )
    assert ours.estimate == pytest.approx(ref.overall_att, abs=TOL, rel=TOL)
    assert ours.se == pytest.approx(ref.overall_se, abs=TOL, rel=TOL)
    detail = ours.detail.set_index("term")
    for e, att, se in zip(ref.event_times, ref.att_by_event, ref.se_by_event, strict=True):
        assert detail.loc[f"e={int(e)}", "estimate"] == pytest.approx(att, abs=TOL)
        assert detail.loc[f"e={int(e)}", "se"] == pytest.approx(se, abs=TOL)


def test_cs_group_detail_matches_diff_diff(small: pd.DataFrame) -> None:
    import diff_diff as dd

    ref = dd.CallawaySantAnna(estimation_method="reg").fit(
        _numeric_ids(small), outcome="y", unit="uid", time="period", first_treat="first_treated"
    )
    ours = did(small, method="cs", aggregation="group", **COLS)
    assert ours.engine.startswith("moderndid")
    grp = ours.detail.set_index("term")
    ga = ref.aggregate("group")
    for g, att, se in zip(ga.label, ga.att, ga.se, strict=True):
        assert grp.loc[f"g={int(g)}", "estimate"] == pytest.approx(att, abs=TOL)
        assert grp.loc[f"g={int(g)}", "se"] == pytest.approx(se, abs=TOL)


def test_twfe_matches_statsmodels_dummies_with_cluster_se(small: pd.DataFrame) -> None:
    ours = did(small, method="twfe", **COLS)
    ref_data = _numeric_ids(small)
    fit = smf.ols("y ~ d + C(uid) + C(period)", data=ref_data).fit(
        cov_type="cluster", cov_kwds={"groups": ref_data["uid"], "use_correction": False}
    )
    n, g, t = len(ref_data), ref_data["uid"].nunique(), ref_data["period"].nunique()
    # fixest's small-sample factor: G/(G-1) * (N-1)/(N-K), where unit effects nested in
    # the cluster are not counted: K = the coefficient + (T-1) period effects + 1.
    k = 1 + (t - 1) + 1
    se_ref = float(fit.bse["d"]) * np.sqrt(g / (g - 1) * (n - 1) / (n - k))
    print(
        f"twfe: ours {ours.estimate:.10f} ({ours.se:.10f}) statsmodels "
        f"{fit.params['d']:.10f} ({se_ref:.10f})"
    )
    assert ours.estimate == pytest.approx(float(fit.params["d"]), abs=TOL, rel=TOL)
    assert ours.se == pytest.approx(se_ref, abs=TOL, rel=TOL)


def test_2x2_matches_diff_diff_and_statsmodels(single_wave) -> None:
    import diff_diff as dd

    ours = did(single_wave.panel, method="2x2", **COLS)
    ref_data = _numeric_ids(single_wave.panel)
    ref_data["treated"] = (ref_data["first_treated"] > 0).astype(int)
    ref_data["post"] = (ref_data["period"] >= 5).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = dd.DifferenceInDifferences(cluster="uid").fit(
            ref_data, outcome="y", treatment="treated", post="post"
        )
    sm = smf.ols("y ~ treated * post", data=ref_data).fit(
        cov_type="cluster", cov_kwds={"groups": ref_data["uid"]}
    )
    assert ours.estimate == pytest.approx(r.att, abs=TOL, rel=TOL)
    assert ours.estimate == pytest.approx(float(sm.params["treated:post"]), abs=TOL, rel=TOL)
    assert ours.se == pytest.approx(r.se, abs=TOL, rel=TOL)
    assert ours.se == pytest.approx(float(sm.bse["treated:post"]), abs=TOL, rel=TOL)


def test_sunab_event_times_match_pyfixest_saturated(small: pd.DataFrame) -> None:
    import pyfixest as pf

    ours = did(small, method="sunab", **COLS).detail.set_index("term")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sat = pf.event_study(
            _numeric_ids(small),
            yname="y",
            idname="uid",
            tname="period",
            gname="first_treated",
            estimator="saturated",
            cluster="uid",
        ).aggregate()
    for e, row in sat.iterrows():
        assert ours.loc[f"e={int(float(e))}", "estimate"] == pytest.approx(
            float(row["Estimate"]), abs=TOL
        )


def test_did2s_matches_pyfixest_did2s(small: pd.DataFrame) -> None:
    import pyfixest as pf

    ours = did(small, method="did2s", **COLS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.did2s(
            _numeric_ids(small),
            yname="y",
            first_stage="~ 0 | uid + period",
            second_stage="~ d",
            treatment="d",
            cluster="uid",
        )
    print(
        f"did2s: ours {ours.estimate:.10f} ({ours.se:.10f}) pyfixest "
        f"{ref.coef()['d']:.10f} ({ref.se()['d']:.10f})"
    )
    assert ours.estimate == pytest.approx(float(ref.coef()["d"]), abs=TOL)
    assert ours.se == pytest.approx(float(ref.se()["d"]), abs=TOL)


# --- published result -------------------------------------------------------------
# Source: Callaway & Sant'Anna (2021), "Difference-in-Differences with Multiple Time
# Periods", J. Econometrics 225(2); the mpdta county teen-employment example as printed
# in the README of their R package `did` (bcallaway11/did, outcome-regression,
# never-treated controls). Data: `mpdta`, shipped in the moderndid wheel
# (moderndid.load_mpdta()). Published standard errors come from a multiplier bootstrap,
# ours are analytic, hence the looser tolerance on SEs only.
PUBLISHED_ATT_GT = {
    (2004, 2004): -0.0105,
    (2004, 2005): -0.0704,
    (2004, 2006): -0.1373,
    (2004, 2007): -0.1008,
    (2006, 2006): -0.0046,
    (2006, 2007): -0.0412,
    (2007, 2007): -0.0261,
}
PUBLISHED_DYNAMIC = {
    -3: 0.0305,
    -2: -0.0006,
    -1: -0.0245,
    0: -0.0199,
    1: -0.0510,
    2: -0.1373,
    3: -0.1008,
}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    import moderndid as md

    return md.load_mpdta().to_pandas()


def _mpdta_did(mpdta: pd.DataFrame, **kw: object):
    return did(
        mpdta,
        unit="countyreal",
        period="year",
        outcome="lemp",
        first_treated="first.treat",
        cs_method="reg",
        **kw,
    )  # type: ignore[arg-type]


def test_reproduces_published_group_aggregation(mpdta: pd.DataFrame) -> None:
    r = _mpdta_did(mpdta, aggregation="group")
    print(f"mpdta group ATT {r.estimate:.4f} (se {r.se:.4f}); published -0.031 (0.0123)")
    assert round(r.estimate, 3) == -0.031
    assert r.se == pytest.approx(0.0123, rel=0.1)
    assert r.ci[1] < 0  # "marginally statistically significant" negative effect


def test_reproduces_published_dynamic_aggregation(mpdta: pd.DataFrame) -> None:
    r = _mpdta_did(mpdta, aggregation="dynamic")
    print(f"mpdta dynamic ATT {r.estimate:.4f} (se {r.se:.4f}); published -0.0772 (0.0196)")
    assert round(r.estimate, 4) == -0.0772
    assert r.se == pytest.approx(0.0196, rel=0.1)
    detail = r.detail.set_index("term")["estimate"]
    for e, published in PUBLISHED_DYNAMIC.items():
        assert round(detail[f"e={e}"], 4) == published


def test_reproduces_published_group_time_effects(mpdta: pd.DataFrame) -> None:
    r = _mpdta_did(mpdta)
    detail = r.detail.set_index("term")["estimate"]
    for (g, t), published in PUBLISHED_ATT_GT.items():
        assert round(detail[f"ATT(g={g}, t={t})"], 4) == published
