import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalHttpServer, startLocalHttpServer } from "../../local/httpServer.ts";
import { LiveEventHub } from "../../local/liveEventHub.ts";
import { startTestOperatorApi, TEST_PRINCIPAL, type TestOperatorApi } from "../support/operatorApi.ts";
import { launchChromium } from "./chromium.ts";

/** The console as it runs on AWS: no Server-Sent Events, alarm changes by polling `GET /alarms/changes`. */
describe("the dashboard with live=poll", () => {
  let api: TestOperatorApi;
  let server: LocalHttpServer;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
    await api.putDevice({ thingName: "oven-7", site: "plant-1", line: "line-2" });
    server = await startLocalHttpServer({
      port: 0,
      apiHandler: api.handler,
      liveEvents: new LiveEventHub(),
      principal: TEST_PRINCIPAL,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    page.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${server.url}/?live=poll`);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector('[data-testid=connection][data-state="open"]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await api?.close();
  });

  it("shows an alarm raised after the page loaded within 5 s, without a reload or an event stream", async () => {
    const loads = requested.filter((path) => path === "/api/alarms").length;

    await api.sendTelemetry("oven-7", { temperature: 280 });

    await page
      .locator('[data-testid=alarm-row][data-alarm-id="oven-overheat:oven-7"][data-state=ACTIVE]')
      .waitFor({ timeout: 5_000 });
    expect(requested.filter((path) => path === "/api/alarms").length).toBe(loads);
    expect(requested).not.toContain("/events");
    expect(requested).toContain("/api/alarms/changes");
  });

  it("shows an action taken elsewhere (the CLI, another operator)", async () => {
    await fetch(`${server.url}/api/alarms/oven-overheat:oven-3/ack`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ note: "from the CLI" }),
    });

    await page
      .locator('[data-testid=alarm-row][data-alarm-id="oven-overheat:oven-3"][data-state=ACKNOWLEDGED]')
      .waitFor({ timeout: 5_000 });
  });
});
