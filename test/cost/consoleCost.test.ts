import { describe, expect, it } from "vitest";
import {
  type ConsoleProfile,
  consoleCost,
  DEFAULT_CONSOLE_USAGE,
  measureConsoleProfile,
} from "../../cost/consoleCost.ts";
import { CLOUDFRONT_ALWAYS_FREE, PRICES } from "../../cost/prices.ts";
import { POLL_INTERVALS } from "../../dashboard/src/alarmPolling.ts";
import { loadDashboardAssets } from "../../local/httpDashboard.ts";

const HOUR_MS = 3_600_000;
const MONTH_DAYS = 730 / 24;

describe("the hosted console's cost", () => {
  it("measures the dashboard's own poller against the real change route: its pace shown and hidden, half a read unit per empty poll", async () => {
    const profile = await measureConsoleProfile();
    const assets = [...(await loadDashboardAssets())].filter(([path]) => path !== "/");

    expect(profile).toEqual({
      pollsPerShownHour: HOUR_MS / POLL_INTERVALS.visibleMs,
      pollsPerBackgroundHour: HOUR_MS / POLL_INTERVALS.hiddenMs,
      // One eventually consistent Query of the keys-only index that finds nothing.
      readUnitsPerPoll: 0.5,
      pageBytes: assets.reduce((bytes, [, asset]) => bytes + asset.body.length, 0),
      pageRequests: assets.length + 1,
    });
  });

  const profile: ConsoleProfile = {
    pollsPerShownHour: 1_800,
    pollsPerBackgroundHour: 120,
    readUnitsPerPoll: 0.5,
    pageBytes: 120_000,
    pageRequests: 6,
  };

  it("prices 20 operators, a shift shown and the rest of the day in the background", () => {
    const cost = consoleCost(DEFAULT_CONSOLE_USAGE, profile);
    const polls = 20 * MONTH_DAYS * (8 * 1_800 + 16 * 120);
    const usd = Object.fromEntries(cost.lines.map((line) => [line.service, line.usd]));

    expect(usd["Cognito (Plus plan)"]).toBeCloseTo(20 * PRICES.cognitoPlusMau.usd, 10);
    expect(usd["API Gateway (HTTP API)"]).toBeCloseTo(polls / 1e6, 10);
    expect(usd["DynamoDB reads"]).toBeCloseTo(((polls * 0.5) / 1e6) * PRICES.dynamoDbReadUnits.usd, 10);
    // 2 page loads of 120 KB a day are far inside CloudFront's always-free allowance.
    expect(usd.CloudFront).toBe(0);
    expect(cost.total).toBeCloseTo(
      cost.lines.reduce((sum, line) => sum + line.usd, 0),
      10,
    );
    expect(cost.total).toBeGreaterThan(10);
    expect(cost.total).toBeLessThan(20);
  });

  it("charges CloudFront only past its free allowance, and nothing for polls no one makes", () => {
    const crowd = consoleCost(
      { operators: 100_000, shownHoursPerDay: 0, backgroundHoursPerDay: 0, pageLoadsPerDay: 10 },
      profile,
    );
    const requests = 100_000 * MONTH_DAYS * 10 * 6;
    const gb = (100_000 * MONTH_DAYS * 10 * 120_000) / 1e9;
    const usd = Object.fromEntries(crowd.lines.map((line) => [line.service, line.usd]));

    expect(usd.CloudFront).toBeCloseTo(
      (gb - CLOUDFRONT_ALWAYS_FREE.gb) * PRICES.cloudFrontGbOut.usd +
        ((requests - CLOUDFRONT_ALWAYS_FREE.requests) / 10_000) * PRICES.cloudFrontHttpsRequests.usd,
      6,
    );
    expect(usd["API Gateway (HTTP API)"]).toBe(0);
    expect(usd["Lambda (api)"]).toBe(0);
  });
});
