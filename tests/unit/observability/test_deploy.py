"""deploy/: the alerts, the Grafana dashboard and the runbooks name only exported metrics, with labels those
metrics have; compose mounts what exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY
from prometheus_client.metrics import MetricWrapperBase

import sanctum.observability.metrics  # noqa: F401 - registers every metric

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_QUOTED = re.compile(r'"[^"]*"')
_SELECTOR = re.compile(r"\b([a-z][a-z0-9_]*)\{([^}]*)\}")
_GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
PROMQL = {"histogram_quantile", "clamp_min", "label_replace"}
# Labels Prometheus adds to every series it scrapes, and the one of histogram buckets.
SCRAPE_LABELS = {"instance", "job", "le"}
# A metric named in a runbook: `name` or `name{labels}` in backticks, when the name is exported, has
# labels, or ends in a unit suffix, and begins as exported metrics do (`db_`, `ws_`, ...): log events
# and fields (`circuit_opened`, `outage_seconds`) are left alone.
_DOC_METRIC = re.compile(r"`([a-z][a-z0-9_]*)(\{[^}`]*\})?`")
_UNIT = re.compile(r"_(total|seconds|bytes|ratio)$")


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


def labels_by_metric() -> dict[str, set[str]]:
    """Every exported series name with the label names it carries (from the collectors, so a metric
    nothing has observed yet counts too)."""
    known: dict[str, set[str]] = {}
    for name, collector in REGISTRY._names_to_collectors.items():  # private: prometheus_client has no public listing
        labels = set(collector._labelnames) if isinstance(collector, MetricWrapperBase) else set()
        known[name] = labels
    return known


def label_names(selector: str) -> set[str]:
    """The label names in `a="x", b=~"y"` or `a, b` (the quoted values taken out)."""
    return set(re.findall(r"[a-zA-Z_][a-zA-Z0-9_]*", _QUOTED.sub("", selector)))


def metrics_in(expr: str) -> set[str]:
    return set(_NAME.findall(_QUOTED.sub("", expr))) - PROMQL


def alert_expressions() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "sanctum.json").read_text())
    return [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]


def test_every_metric_an_alert_or_a_dashboard_panel_queries_is_exported() -> None:
    known = exported()
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
        "jobs_dead_letter",
        "db_replica_lag_seconds",
        "health_check_up",
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "circuit_breaker_state",
        "sanctum_backup_last_success_timestamp_seconds",
    ):
        assert name in used, name


def test_every_label_an_alert_or_a_panel_selects_or_groups_by_is_one_its_metrics_carry() -> None:
    labels = labels_by_metric()
    for expr in alert_expressions() + dashboard_expressions():
        carried = set(SCRAPE_LABELS)
        for name in metrics_in(expr):
            carried |= labels.get(re.sub(r"_(bucket|count|sum)$", "", name), set()) | labels.get(name, set())
        for name, selector in _SELECTOR.findall(_QUOTED.sub('""', expr)):
            base = re.sub(r"_(bucket|count|sum)$", "", name)
            own = labels.get(base, labels.get(name, set())) | SCRAPE_LABELS
            assert label_names(selector) <= own, f"{name}{{{selector}}} in {expr}"
        for grouping in _GROUPING.findall(expr):
            assert label_names(grouping) <= carried, f"by ({grouping}) in {expr}"


def test_every_metric_a_runbook_names_is_exported_with_the_labels_it_names() -> None:
    labels = labels_by_metric()
    families = {name.split("_")[0] for name in labels}
    named: list[tuple[str, str, str]] = []
    for page in sorted((ROOT / "docs" / "operations").glob("*.md")):
        for name, selector in _DOC_METRIC.findall(page.read_text()):
            if name.split("_")[0] in families and (name in labels or selector or _UNIT.search(name)):
                named.append((page.name, name, selector.strip("{}")))

    assert len(named) > 20  # the runbooks do point at metrics
    for page, name, selector in named:
        base = re.sub(r"_(bucket|count|sum)$", "", name)
        assert base in labels, f"{page} names `{name}`, which nothing exports"
        assert label_names(selector) <= labels[base] | SCRAPE_LABELS, f"{page}: {name}{{{selector}}}"


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
