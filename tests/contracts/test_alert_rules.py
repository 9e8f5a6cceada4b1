"""The alert rules in deploy/ watch metrics the code exports: a renamed metric must not silence an alert."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client import REGISTRY

import sanctum.observability.metrics  # noqa: F401 - registers every metric

ALERTS = Path(__file__).parents[2] / "deploy" / "prometheus" / "alerts.yml"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def exported_names() -> set[str]:
    return {family.name + suffix for family in REGISTRY.collect() for suffix in SUFFIXES.get(family.type, ("",))}


def test_every_metric_an_alert_rule_reads_is_exported_by_the_code() -> None:
    expressions = re.findall(r"^\s*expr:\s*(.+)$", ALERTS.read_text(), flags=re.MULTILINE)
    # Without label values; PromQL functions and label names carry no underscore here, metric names do.
    unquoted = [re.sub(r'"[^"]*"', "", expr) for expr in expressions]
    read = {token for expr in unquoted for token in re.findall(r"[a-z][a-z0-9_]*_[a-z0-9_]+", expr)}

    assert "sanctum_backup_last_success_timestamp_seconds" in read
    assert read <= exported_names(), read - exported_names()
