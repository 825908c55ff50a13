"""The API reference page in a real browser (Debian's Chromium) on the real service: Swagger UI
renders the generated document, and every file the page loads comes from the service itself
(a hotline may sit on an intranet). A screenshot goes to artifacts/web/api-docs.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Request, async_playwright

from tests.e2e.agents.test_agent_page_in_chromium import CHROMIUM_ARGS
from tests.e2e.conftest import Service

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "web"


async def test_the_api_reference_renders_the_generated_document_from_the_service_alone(
        service: Service) -> None:
    base = str(service.client.make_url("/")).rstrip("/")
    loaded: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1440, "height": 900})

        def note(request: Request) -> None:
            loaded.append(request.url)

        page.on("request", note)
        await page.goto(f"{base}/api/docs")
        await page.wait_for_selector("#operations-tag-customers", timeout=15_000)
        await page.wait_for_selector("[data-path=\"/api/customers/{id}/contracts\"]")
        await page.screenshot(path=str(SHOTS / "api-docs.png"))
        title = await page.text_content(".info .title")
        await browser.close()
    assert title is not None
    assert "After-sales hotline" in title
    assert loaded
    assert all(url.startswith((base, "data:")) for url in loaded)
