"""Reading the Prometheus endpoint the way a scraper does."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


async def scrape(client: httpx.AsyncClient) -> list[Sample]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return [sample for family in text_string_to_metric_families(response.text) for sample in family.samples]


async def sample_value(client: httpx.AsyncClient, name: str, **labels: str) -> float:
    """The value of one sample, 0 when it has not been recorded yet."""
    for sample in await scrape(client):
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return 0.0
