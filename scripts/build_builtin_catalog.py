"""Regenerate `mlsd_coach/content/builtin_catalog.json`: validate every built-in case (in a
private, empty MLSD_HOME, so no cache is trusted) and write their summaries with the digest of
the content and code they came from. Run after editing a built-in case, a framework or the
validating code: python scripts/build_builtin_catalog.py
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["MLSD_HOME"] = home
        os.environ.pop("MLSD_CASES_DIR", None)
        from mlsd_coach.content.builtin_catalog import SHIPPED_CATALOG, build_shipped
        from mlsd_coach.content.catalog import build

        catalog = build([])
        SHIPPED_CATALOG.write_text(build_shipped([asdict(c) for c in catalog.cases]), encoding="utf-8")
    print(f"wrote {SHIPPED_CATALOG} ({len(catalog.cases)} built-in cases)")


if __name__ == "__main__":
    main()
