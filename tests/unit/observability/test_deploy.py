"""deploy/: the alerts and the Grafana dashboard query only exported metrics; compose mounts what exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import sanctum.observability.metrics  # noqa: F401 - registers every metric

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_QUOTED = re.compile(r'"[^"]*"')
PROMQL = {"histogram_quantile", "clamp_min", "label_replace"}
# Exported by the read-replica fallback (issue 13a) when DATABASE_READ_URL is set.
ELSEWHERE = {"db_replica_lag_seconds"}


def exported() -> set[str]:
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        if family.type == "counter":
            names.add(family.name + "_total")
        if family.type == "histogram":
            names.update(family.name + suffix for suffix in ("_bucket", "_count", "_sum"))
    return names


def metrics_in(expr: str) -> set[str]:
    return set(_NAME.findall(_QUOTED.sub("", expr))) - PROMQL


def alert_expressions() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "sanctum.json").read_text())
    return [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]


def test_every_metric_an_alert_or_a_dashboard_panel_queries_is_exported() -> None:
    known = exported() | ELSEWHERE
    expressions = alert_expressions() + dashboard_expressions()
    used = set().union(*(metrics_in(e) for e in expressions))

    assert used - known == set()
    # The names the source documents ask for are among them.
    for name in (
        "ws_backpressure_drops_total",
        "ws_send_attempts_total",
        "ws_send_queue_utilization_bucket",
        "ws_active_connections",
        "chat_messages_total",
        "db_query_duration_seconds_bucket",
        "db_errors_total",
        "redis_errors_total",
        "jobs_queue_depth",
        "jobs_queue_oldest_age_seconds",
        "sanctum_backup_last_success_timestamp_seconds",
    ):
        assert name in used, name


def test_every_dashboard_panel_has_a_unique_id_and_a_place_on_the_grid() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "sanctum.json").read_text())
    ids = [panel["id"] for panel in dashboard["panels"]]

    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]


def test_compose_runs_the_worker_grafana_prometheus_and_a_collector_and_mounts_files_that_exist() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    services = compose["services"]

    assert {"app1", "app2", "worker", "nginx", "prometheus", "grafana", "otel-collector"} <= services.keys()
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":", 1)[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), f"{name} mounts {source}, which is not in deploy/"
    assert services["app1"]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
