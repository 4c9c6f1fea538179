import { copyFile, mkdir } from "node:fs/promises";
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from "aws-lambda";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpApiHandler } from "../../local/adapters/httpApiServer.ts";
import { type LocalHttpServer, startLocalHttpServer } from "../../local/httpServer.ts";
import { LiveEventHub } from "../../local/liveEventHub.ts";
import type {
  KpiBucketSummary,
  KpiFacts,
  KpiFigures,
  KpiGroupWithBuckets,
  KpiResponse,
  KpiRuleFacts,
  KpiSummary,
  KpiUnavailableReason,
  KpiValue,
} from "../../shared/contracts/kpis.ts";
import { API_LIMITS } from "../../shared/contracts/operatorApi.ts";
import { startTestOperatorApi, TEST_PRINCIPAL, type TestOperatorApi } from "../support/operatorApi.ts";
import { launchChromium } from "./chromium.ts";

/**
 * The dashboard's KPI page against a `GET /api/kpis` that answers a fixture built from the C9
 * contract (the route's own computation is tested with the backend): what the page asks for, and
 * that it shows the fixture's figures, bars, Pareto and "not available" as they are.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Midnight in Berlin (UTC+1 in November): where the fixture's day buckets start. */
const FIRST_DAY = Date.parse("2026-11-18T23:00:00.000Z");
const PHONE = { width: 390, height: 844 };

const value = (number: number): KpiValue => ({ value: number });
const unavailable = (reason: KpiUnavailableReason): KpiValue => ({ value: null, reason });

function facts(overrides: Partial<KpiFacts> = {}): KpiFacts {
  return {
    plannedMs: DAY,
    runMs: 0.84 * DAY,
    stopMs: 0.15 * DAY,
    unknownMs: 0.01 * DAY,
    stops: 40,
    longestStopMs: 47 * 60_000,
    partsTotal: 12_000,
    partsGood: 11_640,
    idealMs: 0.73 * DAY,
    alarms: {
      raised: 0,
      bySeverity: {},
      acknowledged: 0,
      acknowledgeMs: 0,
      cleared: 0,
      clearMs: 0,
      inAlarmMs: 0,
      byRule: [],
    },
    ...overrides,
  };
}

/** A summary whose OEE is the product of its factors, or not available with one of them. */
function summary(
  factors: Pick<KpiFigures, "availability" | "performance" | "quality">,
  rest: Partial<KpiSummary> = {},
): KpiSummary {
  const numbers = [factors.availability, factors.performance, factors.quality].map((factor) => factor.value);
  const oee = numbers.every((number) => number !== null)
    ? value(numbers.reduce((product: number, number) => product * (number as number), 1))
    : unavailable("factor_not_available");
  return {
    ...factors,
    oee,
    mtbfMs: value(31 * 60_000),
    mttrMs: value(5.5 * 60_000),
    mttaMs: value(4 * 60_000),
    alarmMttrMs: value(22 * 60_000),
    facts: facts(),
    ...rest,
  };
}

const available = (a: number, p: number, q: number) =>
  summary({ availability: value(a), performance: value(p), quality: value(q) });

function days(summaries: readonly KpiSummary[]): KpiBucketSummary[] {
  return summaries.map((day, index) => ({
    ...day,
    start: new Date(FIRST_DAY + index * DAY).toISOString(),
    end: new Date(FIRST_DAY + (index + 1) * DAY).toISOString(),
  }));
}

/** Line 1: a day without a good counter's data (quality, so OEE, not available), and a day with no data at all. */
const LINE_1_DAYS = days([
  available(0.86, 0.9, 0.97),
  available(0.81, 0.88, 0.96),
  summary({ availability: value(0.84), performance: value(0.91), quality: unavailable("no_good_counter") }),
  summary({
    availability: unavailable("no_known_planned_time"),
    performance: unavailable("no_run_time"),
    quality: unavailable("no_parts"),
  }),
  available(0.9, 0.87, 0.98),
  available(0.78, 0.93, 0.97),
  available(0.88, 0.89, 0.96),
]);
const LINE_2_DAYS = days([0.8, 0.82, 0.85, 0.79, 0.9, 0.86, 0.83].map((a) => available(a, 0.9, 0.975)));

const RULES: KpiRuleFacts[] = [
  { ruleId: "oven-offline", severity: "major", raised: 3, inAlarmMs: 95 * 60_000 },
  { ruleId: "oven-overheat", severity: "critical", raised: 7, inAlarmMs: 3.5 * HOUR },
  { ruleId: "oven-oil-pressure", severity: "minor", raised: 2, inAlarmMs: 20 * 60_000 },
  { ruleId: "door-open", raised: 9, inAlarmMs: 12 * 60_000 },
  { ruleId: "belt-slip", severity: "warning", raised: 1, inAlarmMs: 9 * 60_000 },
  { ruleId: "coolant-low", severity: "info", raised: 1, inAlarmMs: 2 * 60_000 },
];
const IN_ALARM_MS = RULES.reduce((sum, rule) => sum + rule.inAlarmMs, 0);

/** The whole week: MTTA not available (no alarm acknowledged), the rest measured. */
const TOTAL = summary(
  { availability: value(0.842), performance: value(0.893), quality: value(0.971) },
  {
    mttaMs: unavailable("no_alarms_acknowledged"),
    facts: facts({
      plannedMs: 7 * DAY,
      runMs: 5.9 * DAY,
      stopMs: 1.05 * DAY,
      unknownMs: 1.2 * HOUR,
      stops: 312,
      partsTotal: 84_210,
      partsGood: 81_768,
      alarms: {
        ...facts().alarms,
        raised: 23,
        cleared: 21,
        clearMs: 21 * 22 * 60_000,
        inAlarmMs: IN_ALARM_MS,
        byRule: RULES,
      },
    }),
  },
);

function group(
  place: Partial<KpiGroupWithBuckets>,
  buckets: KpiBucketSummary[],
  devices: number,
): KpiGroupWithBuckets {
  return { ...place, devices, total: TOTAL, buckets };
}

function fixture(query: URLSearchParams): KpiResponse {
  const device = query.get("device");
  const common = {
    from: new Date(FIRST_DAY).toISOString(),
    to: new Date(FIRST_DAY + 7 * DAY).toISOString(),
    bucket: "day",
    timeZone: "Europe/Berlin",
    shifts: ["06:00", "14:00", "22:00"],
    devices: [],
  } as const;
  if (device !== null) {
    const line = { site: "plant-1", line: "line-1" };
    return {
      ...common,
      selection: group({ ...line, thingName: device }, LINE_1_DAYS, 1),
      lines: [group(line, LINE_1_DAYS, 1)],
    };
  }
  return {
    ...common,
    selection: group({}, LINE_1_DAYS, 4),
    lines: [
      group({ site: "plant-1", line: "line-1" }, LINE_1_DAYS, 2),
      group({ site: "plant-1", line: "line-2" }, LINE_2_DAYS, 2),
    ],
  };
}

/**
 * The dashboard served over the test API, except `GET /kpis`, which answers `fixture` unless
 * `onKpis` (told of every KPI request) returns another answer.
 */
function serveWithKpiFixture(
  api: TestOperatorApi,
  onKpis: (query: URLSearchParams) => { status: number; body: unknown } | undefined,
): Promise<LocalHttpServer> {
  const handler: HttpApiHandler = async (event: APIGatewayProxyEventV2WithIAMAuthorizer, context) => {
    if (event.rawPath !== "/kpis") return api.handler(event, context);
    const query = new URLSearchParams(event.rawQueryString);
    const answer = onKpis(query) ?? { status: 200, body: fixture(query) };
    return {
      statusCode: answer.status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(answer.body),
    };
  };
  return startLocalHttpServer({
    port: 0,
    apiHandler: handler,
    liveEvents: new LiveEventHub(),
    principal: TEST_PRINCIPAL,
  });
}

describe("the KPI page", () => {
  let api: TestOperatorApi;
  let server: LocalHttpServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const kpiRequests: URLSearchParams[] = [];
  let refuseNext = false;

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.putDevice({ thingName: "oven-1", site: "plant-1", line: "line-1", model: "deck-oven" });
    await api.putDevice({ thingName: "oven-2", site: "plant-1", line: "line-2", model: "deck-oven" });
    server = await serveWithKpiFixture(api, (query) => {
      kpiRequests.push(query);
      if (!refuseNext) return undefined;
      refuseNext = false;
      return {
        status: 400,
        body: { error: { code: "invalid_request", message: "to - from exceeds 31 days" } },
      };
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: "en-US" });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/kpis`);
    await page.waitForSelector("body[data-ready=true]");
    await page.locator("[data-testid=oee-chart]").first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await api?.close();
  });

  const figure = (name: string) => page.locator(`[data-testid=kpi-${name}]`);
  const lastRequest = () => kpiRequests.at(-1) ?? new URLSearchParams();
  const spanOf = (query: URLSearchParams) =>
    Date.parse(query.get("to") ?? "") - Date.parse(query.get("from") ?? "");

  it("opens at /kpis, alone, and asks for all devices over the last 24 hours by hour", async () => {
    expect(await page.locator("#overview").isHidden()).toBe(true);
    expect(await page.locator("[data-testid=nav-kpis]").getAttribute("aria-current")).toBe("page");
    const query = kpiRequests[0] ?? new URLSearchParams();
    expect([...query.keys()].sort()).toEqual(["bucket", "from", "to"]);
    expect(query.get("bucket")).toBe("hour");
    expect(spanOf(query)).toBe(DAY);
  });

  it("shows the range's KPIs and the facts behind them", async () => {
    expect(await figure("oee").locator(".value").textContent()).toBe(
      `${(0.842 * 0.893 * 0.971 * 100).toFixed(1)} %`,
    );
    expect(await figure("availability").locator(".value").textContent()).toBe("84.2 %");
    expect(await figure("performance").locator(".value").textContent()).toBe("89.3 %");
    expect(await figure("quality").locator(".value").textContent()).toBe("97.1 %");
    expect(await figure("mtbfMs").locator(".value").textContent()).toBe("31 min");
    expect(await figure("mttrMs").locator(".value").textContent()).toBe("6 min");
    expect(await figure("alarmMttrMs").locator(".value").textContent()).toBe("22 min");
    expect(await figure("stops").locator(".value").textContent()).toBe("312");
    expect(await figure("stops").locator(".note").textContent()).toBe("25.2 h down");
    expect(await figure("unknown").locator(".value").textContent()).toBe("72 min");
    expect(await figure("parts").locator(".value").textContent()).toBe("84,210");
    expect(await figure("parts").locator(".note").textContent()).toBe("81,768 good");
  });

  it("shows a KPI without a value as not available, with why, and never as 100 %", async () => {
    expect(await figure("mttaMs").getAttribute("data-available")).toBe("false");
    expect(await figure("mttaMs").locator(".value").textContent()).toBe("not available");
    expect(await figure("mttaMs").locator(".note").textContent()).toBe("no alarm acknowledged");
    expect(await page.locator("[data-testid=kpi-page] .figure[data-available=false]").count()).toBe(1);
    expect(await page.locator("[data-testid=kpi-page]").textContent()).not.toContain("100.0 %");
  });

  it("charts OEE and its factors per line, a bar for each value and none for a missing one", async () => {
    const charts = page.locator("[data-testid=oee-chart]");

    expect(
      await charts.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-group"))),
    ).toEqual(["Line line-1 (plant-1)", "Line line-2 (plant-1)"]);
    const lineOne = charts.nth(0);
    const factorsOf = (buckets: readonly KpiBucketSummary[]) =>
      buckets.flatMap((bucket) => [bucket.oee, bucket.availability, bucket.performance, bucket.quality]);
    const missing = factorsOf(LINE_1_DAYS).filter((factor) => factor.value === null).length;
    expect(await lineOne.getAttribute("data-buckets")).toBe("7");
    expect(await lineOne.getAttribute("data-unavailable")).toBe(String(missing));
    expect(await lineOne.getAttribute("data-bars")).toBe(String(4 * 7 - missing));
    expect(await charts.nth(1).getAttribute("data-bars")).toBe("28");
    expect(await lineOne.locator("canvas").count()).toBeGreaterThan(0);
  });

  it("lists the bars' values by day in the plant's zone, a missing one as not available", async () => {
    const rows = page.locator("[data-testid=oee-chart]").nth(0).locator("[data-testid=oee-bucket]");
    const cells = (index: number) =>
      rows
        .nth(index)
        .locator("th, td")
        .evaluateAll((elements) => elements.map((element) => element.textContent));

    expect(await rows.count()).toBe(7);
    expect(await cells(0)).toEqual([
      "Nov 19",
      `${(0.86 * 0.9 * 0.97 * 100).toFixed(1)} %`,
      "86.0 %",
      "90.0 %",
      "97.0 %",
    ]);
    expect(await cells(2)).toEqual(["Nov 21", "not available", "84.0 %", "91.0 %", "not available"]);
    expect(await cells(3)).toEqual([
      "Nov 22",
      "not available",
      "not available",
      "not available",
      "not available",
    ]);
    expect(await rows.nth(2).locator("[data-factor=quality]").getAttribute("title")).toBe(
      "no good-parts counter",
    );
  });

  it("ranks the rules by time in alarm, the top five, with their running share", async () => {
    const rows = page.locator("[data-testid=pareto-rule]");

    const ranked = RULES.toSorted((a, b) => b.inAlarmMs - a.inAlarmMs).slice(0, 5);
    expect(
      await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-rule"))),
    ).toEqual(ranked.map((rule) => rule.ruleId));
    expect(await rows.nth(0).locator("[data-testid=pareto-time]").textContent()).toBe("3.5 h");
    expect(await rows.nth(1).locator("[data-testid=pareto-time]").textContent()).toBe("1.6 h");
    const topTwo = (ranked[0]?.inAlarmMs ?? 0) + (ranked[1]?.inAlarmMs ?? 0);
    expect(await rows.nth(1).locator("[data-testid=pareto-cumulative]").textContent()).toBe(
      `${((topTwo / IN_ALARM_MS) * 100).toFixed(1)} % cum.`,
    );
    const widths = await rows
      .locator(".pareto-bar")
      .evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().width));
    expect(widths.every((width, index) => index === 0 || width <= (widths[index - 1] as number))).toBe(true);
  });

  it("keeps a screenshot of a week by day (test-artifacts/, docs/ with UPDATE_SCREENSHOT=1)", async () => {
    const requests = kpiRequests.length;
    await page.locator("[data-testid=kpi-range]").selectOption("7d");
    await page.locator("[data-testid=kpi-bucket]").selectOption("day");
    await expect.poll(() => kpiRequests.length).toBe(requests + 2);
    await page.locator('[data-testid=kpi-status]:has-text("by day")').waitFor();
    await mkdir("test-artifacts", { recursive: true });
    const panel = await page.locator("#kpis").boundingBox();
    await page.screenshot({
      path: "test-artifacts/console-kpis.png",
      clip: { x: 0, y: 0, width: 1280, height: Math.ceil((panel?.y ?? 0) + (panel?.height ?? 1000) + 16) },
    });
    if (process.env.UPDATE_SCREENSHOT === "1") {
      await copyFile("test-artifacts/console-kpis.png", "docs/console-kpis.png");
    }
  });

  it("asks for a line over seven days by shift when chosen", async () => {
    await page.locator("[data-testid=kpi-scope]").selectOption({ label: "Line line-1 (plant-1)" });
    await page.locator("[data-testid=kpi-range]").selectOption("7d");
    await page.locator("[data-testid=kpi-bucket]").selectOption("shift");

    await expect.poll(() => lastRequest().get("bucket")).toBe("shift");
    const query = lastRequest();
    expect(query.get("site")).toBe("plant-1");
    expect(query.get("line")).toBe("line-1");
    expect(query.has("device")).toBe(false);
    expect(spanOf(query)).toBe(7 * DAY);
  });

  it("charts a chosen device itself rather than its line", async () => {
    await page.locator("[data-testid=kpi-scope]").selectOption({ label: "oven-1" });

    await page.locator('[data-testid=oee-chart][data-group="oven-1"]').waitFor();
    expect(lastRequest().get("device")).toBe("oven-1");
    expect(lastRequest().has("line")).toBe(false);
    expect(await page.locator("[data-testid=oee-chart]").count()).toBe(1);
  });

  it("says why when the API refuses", async () => {
    refuseNext = true;

    await page.locator("[data-testid=kpi-refresh]").click();

    await page.locator('[data-testid=kpi-status]:has-text("Could not load the KPIs")').waitFor();
    expect(await page.locator("[data-testid=kpi-status]").textContent()).toContain(
      "to - from exceeds 31 days",
    );
  });

  it("fits a phone's width", async () => {
    const phone = await browser.newPage({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    phone.on("pageerror", (error) => pageErrors.push(error.message));
    await phone.goto(`${server.url}/kpis`);
    await phone.locator("[data-testid=pareto-rule]").first().waitFor();
    await phone.locator("[data-testid=oee-chart] summary").first().tap();

    const { scrollWidth, innerWidth } = (await phone.evaluate(
      "({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })",
    )) as { scrollWidth: number; innerWidth: number };
    expect(Math.max(scrollWidth, innerWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(
      await phone.locator("#kpis").evaluate((panel) => panel.scrollWidth - panel.clientWidth),
    ).toBeLessThanOrEqual(0);
    // The chart clips what overflows it: every column of its values must be inside it.
    const chart = await phone.locator("[data-testid=oee-chart]").first().boundingBox();
    const cells = phone.locator("[data-testid=oee-chart]").first().locator("[data-testid=oee-bucket] > *");
    expect(await cells.count()).toBe(7 * 5);
    for (const cell of await cells.all()) {
      const box = await cell.boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual((chart?.x ?? 0) + (chart?.width ?? 0));
    }
    await phone.screenshot({ path: "test-artifacts/console-kpis-phone.png", fullPage: true });
    await phone.close();
  });

  it("renders without page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});

describe("the KPI page on a fleet larger than one answer may compute", () => {
  let api: TestOperatorApi;
  let server: LocalHttpServer;
  let browser: Browser;
  const kpiRequests: URLSearchParams[] = [];
  const LINE_A = 300;
  const LINE_B = API_LIMITS.maxKpiDevices + 1 - LINE_A;

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await Promise.all(
      Array.from({ length: LINE_A + LINE_B }, (_, index) =>
        api.putDevice({
          thingName: `cell-${String(index).padStart(3, "0")}`,
          site: "plant-big",
          line: index < LINE_A ? "line-a" : "line-b",
        }),
      ),
    );
    server = await serveWithKpiFixture(api, (query) => {
      kpiRequests.push(query);
      // As the route answers a selection of more than maxKpiDevices.
      const selected = query.has("line") ? 0 : LINE_A + LINE_B;
      return selected > API_LIMITS.maxKpiDevices
        ? { status: 400, body: { error: { code: "invalid_request", message: "too many devices" } } }
        : undefined;
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await api?.close();
  });

  it("opens on the first line, and offers the whole fleet and the site only as too large", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${server.url}/kpis`);

    await expect
      .poll(() => lastOf(kpiRequests), { timeout: 15_000 })
      .toEqual({ site: "plant-big", line: "line-a" });
    await page.locator("[data-testid=oee-chart]").first().waitFor();
    expect(await page.locator("[data-testid=kpi-status]").textContent()).not.toContain("Could not load");
    const scope = page.locator("[data-testid=kpi-scope]");
    expect(JSON.parse(await scope.inputValue())).toEqual({ site: "plant-big", line: "line-a" });
    const tooLarge = await scope
      .locator("option:disabled")
      .evaluateAll((options) => options.map((option) => option.textContent));
    expect(tooLarge).toEqual([
      `All devices (501 devices: more than ${API_LIMITS.maxKpiDevices}, choose a line)`,
      `Site plant-big (501 devices: more than ${API_LIMITS.maxKpiDevices}, choose a line)`,
    ]);
    // Line B (201) and every device remain choices.
    expect(await scope.locator("option:not(:disabled)").count()).toBe(2 + LINE_A + LINE_B);
    await page.close();
  });
});

/** The selection fields of the newest request. */
function lastOf(requests: readonly URLSearchParams[]): Record<string, string> {
  const query = requests.at(-1) ?? new URLSearchParams();
  return Object.fromEntries(
    ["site", "line", "device"].flatMap((name) => {
      const value = query.get(name);
      return value === null ? [] : [[name, value]];
    }),
  );
}
