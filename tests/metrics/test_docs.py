"""docs/metrics.md is generated from the registry and must not go stale."""

from __future__ import annotations

from pathlib import Path

from rotlib.metrics.docs import DOCS_PATH, main, metrics_markdown
from rotlib.metrics.types import metrics_columns
from rotlib.registry import ALL_METRICS

ROOT = Path(__file__).resolve().parents[2]


def test_docs_page_is_up_to_date():
    committed = (ROOT / DOCS_PATH).read_text(encoding="utf-8")
    assert committed == metrics_markdown(), (
        "docs/metrics.md is stale: run `.venv/bin/python -m rotlib.metrics.docs`")


def test_docs_name_every_metric_and_column():
    text = metrics_markdown()
    for definition in ALL_METRICS:
        assert f"(`{definition.id}`)" in text
        assert definition.definition.split()[0] in text
    for column in metrics_columns():
        assert f"`{column}`" in text


def test_docs_writer(tmp_path):
    target = tmp_path / "m.md"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == metrics_markdown()
