"""Reading /metrics as Prometheus would: the samples of the text format by name and labels."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families


class Scrape:
    def __init__(self, response):
        self.response = response
        self.text = response.content.decode()
        self.samples = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(self.text)
            for sample in family.samples
        }

    def __call__(self, name: str, **labels) -> float:
        """The value of one sample; a KeyError names what is missing."""
        return self.samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def scrape(client):
    """``scrape()`` reads /metrics from the loopback, as the host's own Prometheus does."""

    def read(**extra) -> Scrape:
        response = client.get("/metrics", **extra)
        assert response.status_code == 200, response.status_code
        return Scrape(response)

    return read
