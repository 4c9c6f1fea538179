import { copyFile, mkdir } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalHttpServer, startLocalHttpServer } from "../../local/httpServer.ts";
import { LiveEventHub } from "../../local/liveEventHub.ts";
import type { AlarmView } from "../../shared/contracts/operatorApi.ts";
import type { SeriesQuery, SeriesQueryPoint, SeriesQueryRequest } from "../../shared/ports/seriesQuery.ts";
import {
  OPERATOR_API_T0,
  startTestOperatorApi,
  TEST_PRINCIPAL,
  type TestOperatorApi,
} from "../support/operatorApi.ts";
import { launchChromium } from "./chromium.ts";

const ALARM_ID = "oven-overheat:oven-3";
const POLL = { timeout: 10_000, interval: 50 };
/** Five minutes of oven-3, one point every 10 s: the temperature climbs through the 250 threshold. */
const POINTS = Array.from({ length: 30 }, (_, index) => ({
  time: OPERATOR_API_T0 - (30 - index) * 10_000,
  value: 200 + index * 2.2,
}));
const SERIES: Readonly<Record<string, readonly SeriesQueryPoint[]>> = {
  temperature: POINTS,
  vibration_rms: POINTS.map((point, index) => ({ time: point.time, value: 0.1 + (index % 5) * 0.015 })),
};

/** The series store's stand-in: the points above per metric, and every request it got. */
class SeriesStandIn implements SeriesQuery {
  readonly requests: SeriesQueryRequest[] = [];

  async query(request: SeriesQueryRequest) {
    this.requests.push(request);
    return { points: SERIES[request.metric] ?? [], truncated: false };
  }
}

describe("the dashboard", () => {
  let api: TestOperatorApi;
  let hub: LiveEventHub;
  let server: LocalHttpServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const series = new SeriesStandIn();

  beforeAll(async () => {
    api = await startTestOperatorApi({ series });
    await api.seedActiveAlarm();
    // A little fleet around it: a second oven running hot, two that are fine.
    for (const [thingName, line] of [
      ["oven-1", "line-1"],
      ["oven-2", "line-1"],
      ["oven-5", "line-2"],
    ] as const) {
      await api.putDevice({ thingName, site: "plant-1", line, model: "deck-oven" });
    }
    await api.sendTelemetry("oven-5", { temperature: 271.8 });
    hub = new LiveEventHub();
    server = await startLocalHttpServer({
      port: 0,
      apiHandler: api.handler,
      liveEvents: hub,
      principal: TEST_PRINCIPAL,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector('[data-testid=connection][data-state="open"]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await api?.close();
  });

  it("lists the device in the fleet overview", async () => {
    const row = page.locator('[data-testid=device-row][data-thing="oven-3"]');

    await row.waitFor();

    expect(await row.textContent()).toContain("plant-1 / line-2");
    expect(await page.locator("[data-testid=device-row]").count()).toBe(4);
  });

  it("shows the charts of the device chosen in the fleet overview", async () => {
    await page.locator('[data-testid=device-row][data-thing="oven-5"] [data-testid=select-device]').click();
    await page.locator('[data-testid=device-title]:text("Device oven-5")').waitFor();

    await page.locator('[data-testid=device-row][data-thing="oven-3"] [data-testid=select-device]').click();

    await page.locator('[data-testid=device-title]:text("Device oven-3")').waitFor();
  });

  it("charts the device's telemetry from the API with uPlot", async () => {
    const chart = page.locator("[data-testid=chart-temperature]");

    await expect
      .poll(() => page.locator("[data-testid=chart-temperature]").getAttribute("data-points"), POLL)
      .toBe(String(POINTS.length));

    expect(await chart.locator("canvas").count()).toBeGreaterThan(0);
    expect(series.requests).toContainEqual(
      expect.objectContaining({ thingName: "oven-3", metric: "temperature" }),
    );
  });

  it("appends live telemetry to the chart", async () => {
    hub.publish({
      type: "telemetry",
      thingName: "oven-3",
      receivedAt: OPERATOR_API_T0 + 1000,
      samples: [{ time: OPERATOR_API_T0 + 1000, metrics: { temperature: 264.5, vibration_rms: 0.16 } }],
    });

    await expect
      .poll(() => page.locator("[data-testid=chart-temperature]").getAttribute("data-points"), POLL)
      .toBe(String(POINTS.length + 1));
    expect(
      await page.locator("[data-testid=chart-temperature] [data-testid=latest-value]").textContent(),
    ).toBe("264.50");
    // A metric first seen live gets its own chart, loaded from the API.
    await expect
      .poll(() => page.locator("[data-testid=chart-vibration_rms]").getAttribute("data-points"), POLL)
      .toBe(String(POINTS.length + 1));
  });

  it("acknowledges the active alarm from the console through the API", async () => {
    const row = page.locator(`[data-testid=alarm-row][data-alarm-id="${ALARM_ID}"]`);
    await row.locator('[data-testid=alarm-state]:text("ACTIVE")').waitFor();

    await row.locator("[data-testid=alarm-note]").fill("checking the burner");
    await row.locator("[data-testid=alarm-acknowledge]").click();

    await page.waitForSelector(
      `[data-testid=alarm-row][data-alarm-id="${ALARM_ID}"][data-state=ACKNOWLEDGED]`,
    );
    const stored = (await (
      await fetch(`${server.url}/api/alarms/${encodeURIComponent(ALARM_ID)}`)
    ).json()) as AlarmView;
    expect(stored.state).toBe("ACKNOWLEDGED");
    const acknowledged = api.events.find((detail) => detail.state.value === "ACKNOWLEDGED");
    expect(acknowledged?.actor).toEqual({ id: TEST_PRINCIPAL, note: "checking the burner" });
  });

  it("shows a notification for a live alarm event", async () => {
    const raised = api.events.find((detail) => detail.state.value === "ACTIVE");
    if (raised === undefined) throw new Error("the seeded alarm published no ACTIVE event");

    hub.publish({ type: "alarm", detailType: "Alarm State Change", detail: raised });

    const toast = page.locator(`[data-testid=toast][data-alarm-id="${ALARM_ID}"]`);
    await toast.waitFor();
    expect(await toast.textContent()).toContain("oven-3 ACTIVE");
  });

  it("renders without page errors (screenshot in test-artifacts/)", async () => {
    await page
      .locator(`[data-testid=alarm-row][data-alarm-id="${ALARM_ID}"] [data-testid=alarm-history]`)
      .click();
    await page.locator("[data-testid=history-entry]").first().waitFor();
    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/dashboard.png", fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === "1") {
      await mkdir("docs", { recursive: true });
      await copyFile("test-artifacts/dashboard.png", "docs/dashboard.png");
    }

    expect(pageErrors).toEqual([]);
  });

  it("shows the C7 error when an action is refused", async () => {
    const row = page.locator(`[data-testid=alarm-row][data-alarm-id="${ALARM_ID}"]`);

    await row.locator("[data-testid=alarm-acknowledge]").click();

    await row.locator("[data-testid=alarm-error]:not(:empty)").waitFor();
    expect(await row.locator("[data-testid=alarm-error]").textContent()).toMatch(/ACKNOWLEDGED/);
  });
});
