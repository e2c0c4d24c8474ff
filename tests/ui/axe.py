"""axe-core in the browser tests: ``await assert_accessible(page)`` fails listing every
serious or critical violation on the page (rule, impact, the elements, what is wrong).

axe-core is vendored in tests/ui/vendor/ (see the README there): injected into the page under
test, never served by the application.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# WCAG 2.1 A and AA plus axe's best practices (landmarks, headings, region).
RUN_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now (any impact)."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(
        "options => window.axe.run(document, options)", RUN_OPTIONS
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


async def assert_accessible(page: Page) -> None:
    """Fail when the page has a serious or critical axe violation, listing all of them."""
    failing = [v for v in await axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"accessibility violations on {page.url}:\n{describe(failing)}"
