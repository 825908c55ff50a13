"""The agent page in a real browser (Debian's Chromium, driven by Playwright) on the bench
PBX: an agent signs in, goes available, sees a real call's pop with the customer's card and
the queue's greeting (R5, R3), files the wrap-up as a complaint, and the complaint is in the
ledger with its R21 number, linked to the call and the customer.

Screenshots of the page idle, ringing with a pop, and in wrap-up go to artifacts/agent_ui/.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from callcenter.agents.context import AGENT_DESK
from callcenter.devtools.pbx.scenarios import Caller, set_agents
from callcenter.directory.context import DIRECTORY
from callcenter.pipeline import AMI_LINK, RECONCILER
from callcenter.web.keys import SETTINGS
from tests.e2e.agents.support import QUEUE, Desk, greet, seat_agent
from tests.e2e.conftest import Service

pytestmark = pytest.mark.e2e

EXT = "1204"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "agent_ui"


@pytest.fixture
async def agent(service: Service) -> AsyncIterator[Desk]:
    app = service.app
    await asyncio.wait_for(app[RECONCILER].done.wait(), 15)
    await greet(app[DIRECTORY])
    await app[AGENT_DESK].queues.refresh()
    desk = await seat_agent(app[SETTINGS].database_url, app[DIRECTORY],
                            service.client.make_url("/"), EXT, connect=False)
    yield desk
    await desk.call("POST", "/api/agent/logout")
    await desk.close()


async def test_agent_signs_in_goes_available_takes_a_pop_and_files_a_complaint(
        service: Service, agent: Desk) -> None:
    customer = await agent.call("POST", "/api/customers", 201, json={
        "name": "刘建国", "phones": [{"number": "13900000031"}], "vip": True,
        "language": "zh", "address": "北京市海淀区中关村大街 1 号"})
    await agent.call("POST", f"/api/customers/{customer['id']}/products", 201, json={
        "model": "BCD-520W 冰箱", "serial": "RF2026-0042",
        "warranty_end": "2028-01-31T00:00:00Z"})
    await agent.call("POST", "/api/orders", 201, json={
        "customer_id": customer["id"], "kind": "repair", "service_class": "C",
        "description": "冷藏室不制冷"})
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = str(service.client.make_url("/")).rstrip("/")

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=CHROMIUM_ARGS)
        # The browser sits in another zone than the site (Asia/Shanghai): the page must
        # still show the hotline's clock.
        page = await browser.new_page(viewport={"width": 1440, "height": 900},
                                      timezone_id="America/Los_Angeles")
        await page.goto(f"{base}/agent")
        await page.fill("#username", f"desk{EXT}")
        await page.fill("#password", "correct horse battery")
        await page.click("#login-form button[type=submit]")
        await page.wait_for_selector("#state[data-state=logged_out]")
        await page.check(f"#queue-list input[value={QUEUE}]")
        await page.click("#btn-ready")
        await page.wait_for_selector("#state[data-state=available]", timeout=10_000)
        await page.wait_for_selector("#conn[data-ok=true]")
        await page.screenshot(path=str(SHOTS / "1-idle.png"))
        shown = await page.evaluate(
            '[fmtTime("2026-03-01T04:56:00Z"), fmtDate("2026-03-01T21:00:00Z")]')
        assert shown == ["03/01 12:56", "2026-03-02"]  # Shanghai, not Los Angeles

        link = service.app[AMI_LINK]
        await set_agents(link, {EXT: ("6", "3")})
        link.send_originate(Caller("13900000031", QUEUE, name="Liu").originate_headers(
            f"e2e-ui-{uuid.uuid4().hex[:12]}"))
        await page.wait_for_selector("#pop[data-state=ringing] #pop-name", timeout=10_000)
        assert await page.text_content("#pop-name") == "刘建国"
        assert "RF2026-0042" in (await page.text_content("#pop") or "")
        assert "华安家电" in (await page.text_content(".greeting") or "")
        await page.screenshot(path=str(SHOTS / "2-ringing-with-pop.png"))

        await page.wait_for_selector("#state[data-state=wrap_up]", timeout=20_000)
        await page.check("input[name=classification][value=complaint_general]")
        await page.fill("#wrap-subject", "冰箱维修后仍不制冷")
        await page.fill("textarea[name=content]", "第二次报修,客户要求更换压缩机")
        await page.screenshot(path=str(SHOTS / "3-wrap-up.png"))
        await page.click("#wrap-submit")
        result = await page.wait_for_selector("#wrapup-result:not([hidden])", timeout=10_000)
        assert result is not None
        number = await result.get_attribute("data-complaint")
        await page.wait_for_selector("#state[data-state=available]", timeout=10_000)
        await page.screenshot(path=str(SHOTS / "4-after-wrap-up.png"))
        await browser.close()

    assert number
    ledger = await agent.call("GET", "/api/complaints", 200, params={"number": number})
    found = ledger["complaints"] if isinstance(ledger, dict) else ledger
    assert [c["number"] for c in found] == [number]
    assert found[0]["customer_id"] == customer["id"]
    assert found[0]["call_id"]
    assert found[0]["subject"] == "冰箱维修后仍不制冷"
