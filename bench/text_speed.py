#!/usr/bin/env python
"""Speed of topic grouping (issue 12): ``topics.group`` on 100,000 varied texts, on 2 cores,
with the wall time and the peak memory (goal: under 60 s and under 2 GB).

The texts: clauses of the hand-written appeals (bench/textset/appeals.jsonl) recombined within
their topic, with invented place names, numbers and openings, so that no two texts are alike
and the vocabulary grows as it would with real orders. Without the labelled set, the order
titles of bench/data.py serve as the clauses.

Options: ``--texts N`` (default 100,000), ``--cores N`` (default 2), ``--no-results``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import Stamp, write_section  # noqa: E402

MARK = "text-speed"
TEXTSET = Path(os.environ.get("TEXTSET", ROOT / "bench" / "textset" / "appeals.jsonl"))

HAN = "清溪韶峰石门青龙银田东风枫林翠湖金盆岭白鹭湾阳光红旗射埠花石云湖桥杨林如意新屋双井龙口茶恩寺泉塘高坡凤凰桂花"
UNITS = ["村", "社区", "小区", "路", "街", "组", "镇", "花园", "市场", "巷"]
OPENINGS = [
    "",
    "",
    "师傅你好，",
    "领导好，",
    "你好，",
    "我想反映一下，",
    "喂，",
    "我是附近的居民，",
    "码上找代表留言：",
]
CLOSINGS = [
    "",
    "",
    "请尽快处理。",
    "谢谢！",
    "麻烦派人来看一下。",
    "到底有没有人管？",
    "希望早日解决。",
]


def _clauses() -> dict[str, list[str]]:
    by_topic: dict[str, list[str]] = defaultdict(list)
    if TEXTSET.exists():
        for line in TEXTSET.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                parts = [p for p in re.split(r"[，。！？；,!?;]", row["text"]) if len(p) >= 4]
                by_topic[row["topic"]].extend(parts)
    else:
        from bench.data import TITLES

        for title in TITLES:
            by_topic[title].append(title)
    return by_topic


def generate(n: int, seed: int = 12) -> list[str]:
    rng = random.Random(seed)
    by_topic = _clauses()
    topics = list(by_topic)
    weights = [rng.paretovariate(1.2) for _ in topics]  # uneven topic sizes, as in real months
    texts = []
    for _ in range(n):
        pool = by_topic[rng.choices(topics, weights)[0]]
        place = "".join(rng.choice(HAN) for _ in range(rng.randint(2, 3))) + rng.choice(UNITS)
        body = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
        if rng.random() < 0.5:
            body.insert(0, f"{place}{rng.randint(1, 30)}号")
        else:
            body.insert(rng.randint(0, len(body)), place)
        if rng.random() < 0.3:
            body.append(f"已经{rng.randint(2, 40)}天了")
        texts.append(rng.choice(OPENINGS) + "，".join(body) + "。" + rng.choice(CLOSINGS))
    return texts


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int) -> dict:
    from minyi.textmine.topics import group

    began = time.perf_counter()
    texts = generate(n)
    generated = time.perf_counter() - began
    before = _rss_mb()
    began = time.perf_counter()
    grouping = group(texts)
    seconds = time.perf_counter() - began
    sizes = [t.size for t in grouping.topics]
    return {
        "texts": n,
        "distinct": len(set(texts)),
        "generate_seconds": generated,
        "seconds": seconds,
        "rate": n / seconds,
        "rss_before_mb": before,
        "peak_rss_mb": _rss_mb(),
        "topics": len(grouping.topics),
        "largest": sizes[:5],
        "in_topics": sum(sizes),
        "cores": len(os.sched_getaffinity(0)),
        "load": os.getloadavg()[0],
    }


def render(f: dict, stamp: Stamp) -> str:
    ok_time = "ok" if f["seconds"] < 60 else "FAIL"
    ok_mem = "ok" if f["peak_rss_mb"] < 2048 else "FAIL"
    return "\n".join(
        [
            f"<!-- {MARK} -->",
            "## Topic grouping speed (bench/text_speed.py)",
            "",
            stamp.header(database=False),
            "",
            f"`topics.group` on {f['texts']:,} generated, varied texts ({f['distinct']:,} distinct; "
            f"clauses of the labelled set recombined with invented places), {f['cores']} cores "
            "(load average and machine above).",
            "",
            "| figure | goal | value | |",
            "|---|---|---|---|",
            f"| wall time | < 60 s | {f['seconds']:.1f} s ({f['rate']:,.0f} texts/s) | {ok_time} |",
            f"| peak RSS (whole process) | < 2 GB | {f['peak_rss_mb']:,.0f} MB "
            f"(before grouping {f['rss_before_mb']:,.0f} MB) | {ok_mem} |",
            f"| topics of 2 or more | | {f['topics']:,}; {f['in_topics']:,} texts in them; "
            f"largest {', '.join(map(str, f['largest']))} | |",
            "",
            "Above 3,000 texts a text joins a micro group (MiniBatchKMeans) before the average "
            "linkage, so at this size no text is left alone: singletons exist only in small inputs.",
            "",
            f"<!-- /{MARK} -->",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=None, help="texts to group (100,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 texts (writes nothing)")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores to use (2)")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args(argv)
    stamp = Stamp()
    args.texts = args.texts or (20_000 if args.quick else 100_000)
    cpus = sorted(os.sched_getaffinity(0))[: args.cores]
    os.sched_setaffinity(0, cpus)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(len(cpus))
    figures = measure(args.texts)
    section = render(figures, stamp)
    print(section)
    if not args.no_results and args.texts >= 100_000:
        write_section(MARK, section)
    ok = figures["seconds"] < 60 and figures["peak_rss_mb"] < 2048
    return 0 if ok else 1


if __name__ == "__main__":
    from bench.child import guarded

    sys.exit(guarded(main))
