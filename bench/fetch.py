"""Benchmark: fetch 500 refs of every remote scheme from a local fixture server answering in 50 ms.

Every API lives on one host (127.0.0.1), so the per-host limit (default 4 requests in flight) is
the bottleneck: ideal refs/second = limit / (requests per ref x latency). Reports the measured
rate, that ideal and their ratio, with the default worker count (settings.concurrency).

    python bench/fetch.py [--refs 500] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from capgraph.settings import Settings
from capgraph.stage_options import source_options
from sources.registry import SourceRegistry
from tests.fakes.fixture_server import FixtureServer

# Share of refs per scheme (sums to 1).
MIX = {"hf": 0.25, "hf-dataset": 0.15, "github": 0.25, "pypi": 0.2, "openrouter": 0.05, "url": 0.1}


def card(name: str, number: int) -> str:
    return (
        f"---\nlicense: mit\ntags:\n  - bench\n---\n\n# {name}\n\n"
        f"{name} is generated fixture number {number}; it reads batches and writes summaries.\n"
    )


def serve_fixtures(server: FixtureServer, refs_per_scheme: dict[str, int]) -> list[str]:
    """Register one invented payload set per ref and return the refs, schemes interleaved."""
    per_scheme: dict[str, list[str]] = {scheme: [] for scheme in refs_per_scheme}
    models: list[dict[str, Any]] = []
    for number in range(max(refs_per_scheme.values())):
        name = f"bench/item-{number:04d}"
        if number < refs_per_scheme["hf"]:
            server.json(f"/api/models/{name}", {"id": name, "downloads": number, "likes": 1, "tags": []})
            server.text(f"/{name}/raw/main/README.md", card(name, number), "text/markdown")
            per_scheme["hf"].append(f"hf:{name}")
        if number < refs_per_scheme["hf-dataset"]:
            server.json(f"/api/datasets/{name}", {"id": name, "downloads": number, "likes": 2, "tags": []})
            server.text(f"/datasets/{name}/raw/main/README.md", card(name, number), "text/markdown")
            per_scheme["hf-dataset"].append(f"hf-dataset:{name}")
        if number < refs_per_scheme["github"]:
            repo = {"full_name": name, "description": f"Fixture repo {number}.", "stargazers_count": number}
            server.json(f"/repos/{name}", repo)
            server.text(f"/repos/{name}/readme", card(name, number).split("---\n\n", 1)[1])
            per_scheme["github"].append(f"github:{name}")
        if number < refs_per_scheme["pypi"]:
            package = f"bench-item-{number:04d}"
            info = {
                "name": package,
                "version": "1.0",
                "summary": f"Fixture package {number}.",
                "description": "",
            }
            server.json(f"/pypi/{package}/json", {"info": info, "releases": {}})
            per_scheme["pypi"].append(f"pypi:{package}")
        if number < refs_per_scheme["openrouter"]:
            models.append(
                {"id": name, "name": name, "description": f"Fixture model {number}.", "context_length": 4096,
                 "pricing": {"prompt": "0.000001", "completion": "0.000002"}}
            )  # fmt: skip
            per_scheme["openrouter"].append(f"openrouter:{name}")
        if number < refs_per_scheme["url"]:
            page = f"<html><head><title>Page {number}</title></head><body><main><h1>Page {number}</h1>"
            page += (
                f"<p>Fixture page {number} describes a service that stores notes.</p></main></body></html>"
            )
            server.text(f"/pages/{number}", page, "text/html")
            per_scheme["url"].append(f"url:{server.url(f'/pages/{number}')}")
    server.json("/api/v1/models", {"data": models})
    interleaved: list[str] = []
    for index in range(max(len(refs) for refs in per_scheme.values())):
        interleaved += [refs[index] for refs in per_scheme.values() if index < len(refs)]
    return interleaved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    counts = {scheme: max(1, round(args.refs * share)) for scheme, share in MIX.items()}
    with FixtureServer(latency=args.latency) as server:
        refs = serve_fixtures(server, counts)
        settings = Settings(
            _env_file=None,
            hf_base_url=server.base_url,
            github_api_url=server.base_url,
            pypi_base_url=server.base_url,
            openrouter_base_url=f"{server.base_url}/api/v1",
            http_allowed_networks=["127.0.0.1/32"],
        )
        registry = SourceRegistry.from_options(source_options(settings))
        outcomes: Counter[str] = Counter()

        def fetch(ref: str) -> None:
            try:
                registry.fetch(ref)
                outcomes["ok"] += 1
            except Exception as error:  # a benchmark reports failures rather than stopping at the first
                outcomes[type(error).__name__] += 1
                print(f"failed: {error}", file=sys.stderr)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
            list(pool.map(fetch, refs))
        elapsed = time.perf_counter() - started
        registry.close()
        requests = len(server.requests)
        peak = server.max_in_flight
    per_ref = requests / len(refs)
    ideal = settings.http_per_host_limit / (per_ref * args.latency)
    measured = len(refs) / elapsed
    print(f"refs: {len(refs)} ({', '.join(f'{scheme} {count}' for scheme, count in counts.items())})")
    print(f"outcomes: {dict(outcomes)}")
    print(f"requests: {requests} ({per_ref:.2f} per ref), peak in flight on the host: {peak}")
    limit = settings.http_per_host_limit
    print(f"workers: {settings.concurrency}, per-host limit: {limit}, latency: {args.latency}s")
    print(f"elapsed: {elapsed:.2f} s")
    print(f"measured: {measured:.1f} refs/s; ideal under the per-host limit: {ideal:.1f} refs/s")
    print(f"ratio: {measured / ideal:.2f}")


if __name__ == "__main__":
    main()
