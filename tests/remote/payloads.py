"""Fixture payloads in the shapes the real APIs use, describing invented tools (no real response copied)."""

from __future__ import annotations

from typing import Any

HF_MODEL_ID = "lanternworks/pebble-sum-small"

HF_MODEL_CARD = """---
license: apache-2.0
language:
  - en
  - nl
tags:
  - summarization
base_model: lanternworks/pebble-base
---

# Pebble Sum Small

Pebble Sum Small condenses meeting transcripts into five-line summaries on a laptop CPU.

## Strengths

- Keeps speaker names attached to the decisions they made.
- Runs in under 300 MB of memory, so it fits on modest office machines.
"""

HF_MODEL_INFO: dict[str, Any] = {
    "_id": "65f0c0ffee0000000000beef",
    "id": HF_MODEL_ID,
    "modelId": HF_MODEL_ID,
    "author": "lanternworks",
    "sha": "0f3c1e2d4b5a69788796a5b4c3d2e1f0a9b8c7d6",
    "lastModified": "2025-03-14T09:26:53.000Z",
    "private": False,
    "gated": False,
    "disabled": False,
    "downloads": 48213,
    "likes": 311,
    "library_name": "transformers",
    "pipeline_tag": "summarization",
    "tags": ["transformers", "safetensors", "summarization", "en", "nl", "license:apache-2.0"],
    "cardData": {"license": "apache-2.0", "language": ["en", "nl"], "tags": ["summarization"]},
    "siblings": [{"rfilename": "README.md"}, {"rfilename": "model.safetensors"}],
    "createdAt": "2024-11-02T17:00:00.000Z",
}

HF_DATASET_ID = "tidepool/harbour-tickets"

HF_DATASET_CARD = """---
license: cc-by-4.0
task_categories:
  - text-classification
size_categories:
  - 10K<n<100K
---

# Harbour Tickets

Harbour Tickets collects 42,000 anonymised customer-support tickets from a ferry operator, each
labelled with one of nine complaint categories.
"""

HF_DATASET_INFO: dict[str, Any] = {
    "_id": "6601dada0000000000000042",
    "id": HF_DATASET_ID,
    "author": "tidepool",
    "lastModified": "2025-01-20T11:00:00.000Z",
    "private": False,
    "downloads": 1907,
    "likes": 58,
    "tags": ["task_categories:text-classification", "license:cc-by-4.0", "size_categories:10K<n<100K"],
    "cardData": {"license": "cc-by-4.0", "task_categories": ["text-classification"]},
}

GITHUB_REPO: dict[str, Any] = {
    "id": 7001,
    "name": "quayside",
    "full_name": "harbourlabs/quayside",
    "private": False,
    "html_url": "https://github.example/harbourlabs/quayside",
    "description": "Quayside schedules container-yard cranes from a YAML plan.",
    "fork": False,
    "homepage": "https://quayside.example",
    "language": "Rust",
    "stargazers_count": 5120,
    "watchers_count": 5120,
    "forks_count": 204,
    "open_issues_count": 37,
    "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT", "url": None},
    "topics": ["logistics", "scheduling", "yaml"],
    "default_branch": "main",
    "archived": False,
    "pushed_at": "2025-05-01T08:15:00Z",
    "created_at": "2022-02-02T02:02:02Z",
    "updated_at": "2025-05-01T08:20:00Z",
}

GITHUB_README = """# Quayside

Quayside turns a YAML yard plan into a crane schedule that respects berth windows.

## Features

- Replans within two seconds when a vessel arrives late.
- Exports the schedule as iCalendar so crews see it on their phones.
"""

PYPI_PROJECT: dict[str, Any] = {
    "info": {
        "author": "Fernhill Tools",
        "classifiers": [
            "License :: OSI Approved :: BSD License",
            "Programming Language :: Python :: 3",
        ],
        "description": (
            "# fernhill-csv\n\nfernhill-csv validates CSV exports against a column contract and "
            "reports every broken row with its line number.\n\n"
            "## Why\n\n- Streams files larger than memory.\n"
        ),
        "description_content_type": "text/markdown",
        "home_page": "",
        "license": None,
        "license_expression": "BSD-3-Clause",
        "name": "fernhill-csv",
        "project_urls": {
            "Documentation": "https://fernhill.example/docs",
            "Source": "https://code.example/fernhill/csv",
        },
        "requires_python": ">=3.10",
        "summary": "Validate CSV exports against a column contract.",
        "version": "2.1.0",
        "yanked": False,
    },
    "last_serial": 99,
    "releases": {
        "1.0.0": [
            {
                "filename": "fernhill_csv-1.0.0.tar.gz",
                "upload_time": "2023-06-01T10:00:00",
                "upload_time_iso_8601": "2023-06-01T10:00:00.000000Z",
                "yanked": False,
            }
        ],
        "2.0.0": [
            {
                "filename": "fernhill_csv-2.0.0.tar.gz",
                "upload_time": "2024-02-01T10:00:00",
                "upload_time_iso_8601": "2024-02-01T10:00:00.000000Z",
                "yanked": True,
            }
        ],
        "2.1.0": [
            {
                "filename": "fernhill_csv-2.1.0-py3-none-any.whl",
                "upload_time": "2024-03-01T12:00:00",
                "upload_time_iso_8601": "2024-03-01T12:00:00.000000Z",
                "yanked": False,
            }
        ],
        "3.0.0a1": [],
    },
    "urls": [
        {
            "filename": "fernhill_csv-2.1.0-py3-none-any.whl",
            "upload_time": "2024-03-01T12:00:00",
            "upload_time_iso_8601": "2024-03-01T12:00:00.000000Z",
            "yanked": False,
        }
    ],
    "vulnerabilities": [],
}

OPENROUTER_MODELS: dict[str, Any] = {
    "data": [
        {
            "id": "mistwood/ledger-chat-7b",
            "canonical_slug": "mistwood/ledger-chat-7b-20250301",
            "name": "Mistwood: Ledger Chat 7B",
            "created": 1740787200,
            "description": "Ledger Chat 7B answers bookkeeping questions and drafts journal entries.",
            "context_length": 65536,
            "architecture": {
                "modality": "text+image->text",
                "input_modalities": ["text", "image"],
                "output_modalities": ["text"],
                "tokenizer": "Other",
                "instruct_type": None,
            },
            "pricing": {"prompt": "0.00000025", "completion": "0.000001", "request": "0", "image": "0"},
            "top_provider": {"context_length": 65536, "max_completion_tokens": 8192, "is_moderated": False},
            "per_request_limits": None,
            "supported_parameters": ["max_tokens", "temperature"],
        },
        {
            "id": "mistwood/ledger-chat-7b:free",
            "canonical_slug": "mistwood/ledger-chat-7b-20250301",
            "name": "Mistwood: Ledger Chat 7B (free)",
            "created": 1740787200,
            "description": "The same bookkeeping model on a shared, rate-limited free tier.",
            "context_length": 32768,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "pricing": {"prompt": "0", "completion": "0"},
        },
        {
            "id": "brightfield/router-auto",
            "name": "Brightfield Auto Router",
            "created": 1730000000,
            "description": "Routes each prompt to whichever model suits it; the price depends on the pick.",
            "context_length": 200000,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "pricing": {"prompt": "-1", "completion": "-1"},
        },
    ]
}

WEB_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <title>Driftwood Notes – offline-first meeting notes</title>
  <script>window.trackEverything = function () { return "TRACKER-SCRIPT-TEXT"; };</script>
  <style>.banner { position: fixed; } /* STYLE-RULE-TEXT */</style>
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">
    <p>COOKIE-BANNER-TEXT: we use cookies to improve your experience. Accept all cookies?</p>
    <button>Accept</button>
  </div>
  <nav>
    <a href="/">NAV-HOME-LINK</a> <a href="/pricing">NAV-PRICING-LINK</a> <a href="/blog">NAV-BLOG-LINK</a>
  </nav>
  <header><p>HEADER-TAGLINE-TEXT</p></header>
  <main>
    <article>
      <h1>Driftwood Notes</h1>
      <p>Driftwood Notes keeps meeting notes on your own device and syncs them between laptops
      over the local network, so nothing leaves the office unless you export it.</p>
      <h2>What it does</h2>
      <p>Every note records who was present and which decisions were taken, and the decision log
      can be searched across a whole year of meetings in well under a second.</p>
      <p>Read the <a href="/docs/sync">sync protocol notes</a> or the
      <a href="https://elsewhere.example/review">independent review</a>.</p>
    </article>
  </main>
  <footer><p>FOOTER-LEGAL-TEXT</p><a href="/terms">FOOTER-TERMS-LINK</a></footer>
  <script>document.write("LATE-SCRIPT-TEXT");</script>
</body>
</html>
"""
