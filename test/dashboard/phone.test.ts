import { copyFile, mkdir } from "node:fs/promises";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalHttpServer, startLocalHttpServer } from "../../local/httpServer.ts";
import { LiveEventHub } from "../../local/liveEventHub.ts";
import type { AlarmView, HistoryView, Page as ListPage } from "../../shared/contracts/operatorApi.ts";
import { startTestOperatorApi, TEST_PRINCIPAL, type TestOperatorApi } from "../support/operatorApi.ts";
import { launchChromium } from "./chromium.ts";

/** An iPhone-sized viewport, as operators open the links in SMS and chat messages. */
const PHONE = { width: 390, height: 844 };
const ALARM_ID = "oven-overheat:oven-3";
const OTHER_ALARM_ID = "oven-overheat:oven-5";
const ALARM_PATH = `/alarms/${encodeURIComponent(ALARM_ID)}`;
/** Apple's and Google's guidance for something a finger taps. */
const MIN_TAP_HEIGHT = 44;

describe("the dashboard at phone width", () => {
  let api: TestOperatorApi;
  let server: LocalHttpServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
    await api.putDevice({ thingName: "oven-5", site: "plant-1", line: "line-2", model: "deck-oven" });
    await api.sendTelemetry("oven-5", { temperature: 271.8 });
    server = await startLocalHttpServer({
      port: 0,
      apiHandler: api.handler,
      liveEvents: new LiveEventHub(),
      principal: TEST_PRINCIPAL,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await api?.close();
  });

  /**
   * How far the document reaches past the phone's width. With `isMobile`, Chromium widens the layout
   * viewport to fit wide content (zoomed out), so the width must also still be the phone's own.
   */
  async function horizontalOverflow(): Promise<number> {
    const { scrollWidth, innerWidth } = (await page.evaluate(
      "({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })",
    )) as { scrollWidth: number; innerWidth: number };
    return Math.max(scrollWidth, innerWidth) - PHONE.width;
  }

  /** How far a panel's content reaches past the panel: it would scroll sideways inside the page. */
  async function panelOverflow(selector: string): Promise<number> {
    return page.locator(selector).evaluate((panel) => panel.scrollWidth - panel.clientWidth);
  }

  /** Wholly inside the viewport's width, and (with `vertically`) its height: reachable without scrolling. */
  async function inView(locator: Locator, vertically = false): Promise<boolean> {
    const box = await locator.boundingBox();
    if (box === null) return false;
    const across = box.x >= 0 && box.x + box.width <= PHONE.width;
    return vertically ? across && box.y >= 0 && box.y + box.height <= PHONE.height : across;
  }

  async function heights(locator: Locator): Promise<number[]> {
    return locator.evaluateAll((elements) =>
      elements.map((element) => element.getBoundingClientRect().height),
    );
  }

  describe("an alarm's page opened from a notification's link", () => {
    const alarmPage = () => page.locator(`[data-testid=alarm-page][data-alarm-id="${ALARM_ID}"]`);

    beforeAll(async () => {
      await page.goto(`${server.url}${ALARM_PATH}`);
      await page.waitForSelector("body[data-ready=true]");
      await alarmPage().and(page.locator("[data-state=ACTIVE]")).waitFor();
      await alarmPage().locator("[data-testid=history-entry]").first().waitFor();
    });

    it("shows the alarm: state, since when, severity, thing, rule and the value that raised it", async () => {
      const field = (name: string) => alarmPage().locator(`[data-testid=alarm-${name}]`).textContent();

      expect(await page.locator("[data-testid=alarm-page-title]").textContent()).toBe(
        "Oven temperature too high",
      );
      expect(await field("state")).toBe("ACTIVE");
      expect(await field("since")).not.toBe("—");
      expect(await field("severity")).toBe("critical");
      expect(await field("thing")).toBe("oven-3 (plant-1 / line-2)");
      expect(await field("rule")).toBe("oven-overheat (threshold)");
      expect(await field("value")).toMatch(/^temperature 262\.4 at /);
      expect(await page.locator("#overview").isHidden()).toBe(true);
    });

    it("fits the width of the phone", async () => {
      expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
      expect(await panelOverflow("#alarm-page")).toBeLessThanOrEqual(0);
    });

    it("has the state, since when, the note and acknowledge/snooze on the first screen", async () => {
      for (const name of ["state", "since", "note", "acknowledge", "snooze"]) {
        expect(await inView(alarmPage().locator(`[data-testid=alarm-${name}]`), true), name).toBe(true);
      }
    });

    it("makes every control tall enough to tap", async () => {
      const controls = alarmPage().locator("button, input, select, a");

      expect(await controls.count()).toBeGreaterThanOrEqual(6);
      for (const height of await heights(controls)) expect(height).toBeGreaterThanOrEqual(MIN_TAP_HEIGHT);
    });

    it("keeps a screenshot of the page (test-artifacts/, docs/ with UPDATE_SCREENSHOT=1)", async () => {
      await mkdir("test-artifacts", { recursive: true });
      await page.screenshot({ path: "test-artifacts/console-phone.png" });
      if (process.env.UPDATE_SCREENSHOT === "1") {
        await copyFile("test-artifacts/console-phone.png", "docs/console-phone.png");
      }
    });

    it("acknowledges with the note typed on the phone, through the API", async () => {
      await alarmPage().locator("[data-testid=alarm-note]").fill("on my way to oven 3");

      await alarmPage().locator("[data-testid=alarm-acknowledge]").tap();

      await alarmPage().and(page.locator("[data-state=ACKNOWLEDGED]")).waitFor();
      const stored = await read<AlarmView>(`/api/alarms/${encodeURIComponent(ALARM_ID)}`);
      expect(stored.state).toBe("ACKNOWLEDGED");
      const history = await read<ListPage<HistoryView>>(
        `/api/alarms/${encodeURIComponent(ALARM_ID)}/history`,
      );
      expect(history.items.at(-1)).toMatchObject({
        kind: "transition",
        to: "ACKNOWLEDGED",
        actor: { id: TEST_PRINCIPAL, note: "on my way to oven 3" },
      });
      await alarmPage().locator('[data-testid=history-entry]:has-text("on my way to oven 3")').waitFor();
    });
  });

  describe("the alarm list", () => {
    const rows = () => page.locator("[data-testid=alarm-row]");

    beforeAll(async () => {
      await page.locator("[data-testid=back]").tap();
      await page.locator("#overview").waitFor();
      await page.locator(`[data-testid=alarm-row][data-alarm-id="${OTHER_ALARM_ID}"]`).waitFor();
    });

    it("is at the root again, after the page's own link back", () => {
      expect(new URL(page.url()).pathname).toBe("/");
    });

    it("fits the width of the phone", async () => {
      expect(await rows().count()).toBe(2);
      expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
      expect(await panelOverflow("#alarms")).toBeLessThanOrEqual(0);
    });

    // Below the first screen is fine (the page scrolls down); sideways is not.
    it("has each row's state, since when, note and actions within the width", async () => {
      for (const row of await rows().all()) {
        const id = await row.getAttribute("data-alarm-id");
        for (const name of ["state", "since", "note", "acknowledge", "snooze", "reset"]) {
          expect(await inView(row.locator(`[data-testid=alarm-${name}]`)), `${id} ${name}`).toBe(true);
        }
      }
    });

    it("makes every row's controls tall enough to tap", async () => {
      for (const height of await heights(rows().locator("button, input, select, a"))) {
        expect(height).toBeGreaterThanOrEqual(MIN_TAP_HEIGHT);
      }
    });

    it("opens an alarm's page from its name, and back and forward follow", async () => {
      await page
        .locator(`[data-testid=alarm-row][data-alarm-id="${OTHER_ALARM_ID}"] [data-testid=alarm-link]`)
        .tap();

      await page.locator(`[data-testid=alarm-page][data-alarm-id="${OTHER_ALARM_ID}"]`).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/alarms/${encodeURIComponent(OTHER_ALARM_ID)}`);
      await page.goBack();
      await page.locator("#overview").waitFor();
      expect(new URL(page.url()).pathname).toBe("/");
      await page.goBack();
      await page.locator(`[data-testid=alarm-page][data-alarm-id="${ALARM_ID}"]`).waitFor();
      expect(new URL(page.url()).pathname).toBe(ALARM_PATH);
      await page.goForward();
      await page.locator("#overview").waitFor();
    });

    it("renders without page errors", () => {
      expect(pageErrors).toEqual([]);
    });
  });

  async function read<T>(path: string): Promise<T> {
    return (await (await fetch(`${server.url}${path}`)).json()) as T;
  }
});
