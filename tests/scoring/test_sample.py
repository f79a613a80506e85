"""The scoring engine on the bundled sample (data/sample, `rot sample-data`): the RoT score
follows the generator's latent trust (truth.json), and higher tiers do better next quarter.

Skipped with a message when the sample or the metrics engine is not available.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rotlib.scoring import score

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_metrics(tmp_path_factory) -> pd.DataFrame:
    """The metrics table exactly as `rot metrics data/sample --out FILE` writes it."""
    if not (SAMPLE / "truth.json").exists():
        pytest.skip("data/sample is missing: run `make sample`")
    from rotlib.cli import main

    if importlib.util.find_spec("rotlib.commands.metrics") is None:
        pytest.skip("the `rot metrics` command is not available in this tree")
    out = tmp_path_factory.mktemp("sample") / "metrics.parquet"
    assert main(["metrics", str(SAMPLE), "--out", str(out)]) == 0
    return pd.read_parquet(out)


@pytest.fixture(scope="module")
def latent_trust() -> pd.DataFrame:
    t = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))["trust"]
    frame = pd.DataFrame(t["values"], index=t["partner_ids"], columns=t["quarters"])
    out = frame.stack().rename("latent_trust").reset_index()
    return out.rename(columns={"level_0": "partner_id", "level_1": "quarter"})


@pytest.mark.slow
def test_sample_scores_follow_latent_trust_and_predict(sample_metrics, latent_trust):
    result = score(sample_metrics)
    p = result.partners.merge(latent_trust, on=["partner_id", "quarter"], how="left")
    assert p["latent_trust"].notna().all()
    ok = p["rot_score"].notna()
    rho = stats.spearmanr(p.loc[ok, "rot_score"], p.loc[ok, "latent_trust"]).statistic
    print(f"sample: {ok.mean():.0%} of partner-quarters scored; "
          f"Spearman(rot_score, latent trust) = {rho:.3f}")
    assert ok.mean() > 0.25
    assert rho > 0.6
    bt = result.backtest()
    print(bt.summary())
    corr = bt.correlations.set_index("outcome")
    assert corr.loc["win_rate", "ci_low"] > 0
    assert corr.loc["escalation_rate", "spearman_rho"] < 0
    wins = bt.by_tier[bt.by_tier["outcome"] == "win_rate"].set_index("tier")["estimate"]
    tiers = [t for t in result.config.tier_names() if t in wins.index]
    print("next-quarter win rate by tier:", wins.loc[tiers].round(3).to_dict())
    assert len(tiers) >= 3
    assert list(wins.loc[tiers]) == sorted(wins.loc[tiers], reverse=True)
    assert np.isfinite(result.portfolio_ratio()["rot_ratio"]).all()
