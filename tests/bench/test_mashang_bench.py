"""The 码上找代表 bench's own helpers (bench/mashang.py): the numbers it posts with, the JSON it
posts, and its concurrent client, against a tiny local HTTP server (no Django, no database)."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.mashang import drive, message_body, mobiles, status_text


def test_each_posted_message_comes_from_its_own_valid_looking_mobile():
    numbers = mobiles(random.Random(1), 500)
    assert len(set(numbers)) == 500
    assert all(len(n) == 11 and n.startswith("139") and n.isdigit() for n in numbers)


def test_the_posted_json_follows_the_public_api_contract_with_a_different_text_each():
    first = json.loads(message_body(code="abc", phone="13900000001", sms_code="123456", n=1))
    second = json.loads(message_body(code="abc", phone="13900000001", sms_code="123456", n=2))
    assert set(first) == {
        "code",
        "phone",
        "sms_code",
        "content",
        "name",
        "anonymous",
        "consent",
    }
    assert (first["consent"], first["anonymous"]) == (True, True)
    assert first["content"] != second["content"]


def test_statuses_read_as_counts():
    assert status_text(Counter({201: 398, 429: 2})) == "201 × 398, 429 × 2"


@pytest.fixture
def tiny_server():
    seen = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the app's server

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            seen.append(self.path)
            self._answer(404 if self.path.endswith("missing") else 200, b"ok")

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(json.loads(body)["n"])
            self._answer(201, b'{"tracking_code": "X"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def test_the_concurrent_client_sends_every_request_once_and_counts_each_answer(tiny_server):
    port, seen = tiny_server
    jobs = [("GET", f"/m/{i}", None) for i in range(30)] + [("GET", "/m/missing", None)]
    jobs += [("POST", "/api", json.dumps({"n": i}).encode()) for i in range(9)]
    result = drive(port, jobs, clients=4)
    assert result["statuses"] == Counter({200: 30, 404: 1, 201: 9})
    assert sorted(map(str, seen)) == sorted(
        [f"/m/{i}" for i in range(30)] + ["/m/missing"] + [str(i) for i in range(9)]
    )
    assert result["latency"]["n"] == 40 and result["rate"] > 0
    assert result["bodies"][-1] == b'{"tracking_code": "X"}'
