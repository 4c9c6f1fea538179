import { AlarmPoller } from "../dashboard/src/alarmPolling.ts";
import { OperatorApiClient } from "../dashboard/src/api.ts";
import { createOperatorApi } from "../functions/api/app.ts";
import type { OperatorApiDependencies } from "../functions/api/dependencies.ts";
import { startHttpApiServer } from "../local/adapters/httpApiServer.ts";
import { loadDashboardAssets } from "../local/httpDashboard.ts";
import { DynamoDbAlarmStore } from "../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { CountingDynamoDb } from "./countingClients.ts";
import { CLOUDFRONT_ALWAYS_FREE, PRICES, tieredCost } from "./prices.ts";

/** How a plant's operators use the hosted console. */
export interface ConsoleUsage {
  /** People who sign in at least once a month (Cognito bills monthly active users). */
  readonly operators: number;
  /** Hours a day each operator has the console shown (it polls every 2 s then). */
  readonly shownHoursPerDay: number;
  /** Hours a day it stays open in a background tab (it polls every 30 s then). */
  readonly backgroundHoursPerDay: number;
  /** Page loads a day per operator (sign-in at the start of a shift, a link from a message). */
  readonly pageLoadsPerDay: number;
}

/** A control room's day: a shift in front of the console, the tab left open the rest of the day. */
export const DEFAULT_CONSOLE_USAGE: ConsoleUsage = {
  operators: 20,
  shownHoursPerDay: 8,
  backgroundHoursPerDay: 16,
  pageLoadsPerDay: 2,
};

/** What the console's own code does, measured by running it: the dashboard's poller against the real API route. */
export interface ConsoleProfile {
  readonly pollsPerShownHour: number;
  readonly pollsPerBackgroundHour: number;
  /** DynamoDB read request units one steady poll costs (the change feed index, nothing changed). */
  readonly readUnitsPerPoll: number;
  /** Bytes of one page load: every file of the bundle the stack deploys, uncompressed. */
  readonly pageBytes: number;
  /** Requests of one page load: the bundle's files and config.json. */
  readonly pageRequests: number;
}

export interface ConsoleCostLine {
  readonly service: string;
  readonly usd: number;
  readonly units: string;
  readonly formula: string;
}

export interface ConsoleCost {
  readonly usage: ConsoleUsage;
  readonly profile: ConsoleProfile;
  readonly lines: readonly ConsoleCostLine[];
  /** Dollars a month. */
  readonly total: number;
}

const HOUR_MS = 3_600_000;
const DAYS_PER_MONTH = 730 / 24;
/** The API function's memory (ApiFunction) and an assumed duration of a poll that finds nothing. */
const API_MEMORY_GB = 0.5;
const POLL_MS = 10;

/**
 * Runs the dashboard's `AlarmPoller` for an hour shown and an hour in the background on simulated
 * time, through the real `OperatorApiClient`, over HTTP, into the real operator API handler whose
 * change feed is the real `DynamoDbAlarmStore` on the cost model's counting DynamoDB: the polls and
 * read units are what the code does, not an assumption about it.
 */
export async function measureConsoleProfile(): Promise<ConsoleProfile> {
  let now = Date.parse("2026-11-25T08:00:00.000Z");
  const clock = { now: () => now };
  const dynamo = new CountingDynamoDb();
  const alarms = new DynamoDbAlarmStore({
    alarmsTableName: "alarms",
    historyTableName: "history",
    historyRetentionMs: 30 * 86_400_000,
    client: dynamo.client,
    clock,
  });
  const api = createOperatorApi({
    alarms,
    clock,
    engine: unusedPort("engine"),
    rules: unusedPort("rules"),
    registry: unusedPort("registry"),
    silences: unusedPort("silences"),
    series: unusedPort("series"),
    kpis: unusedPort("kpis"),
  } satisfies OperatorApiDependencies);
  let requests = 0;
  const server = await startHttpApiServer({
    handler: (event, context) => {
      requests++;
      return api(event, context);
    },
  });

  const timers = new Map<number, { at: number; run: () => void }>();
  let nextTimer = 0;
  let shown = true;
  const poller = new AlarmPoller({
    api: new OperatorApiClient(server.url),
    onViews: () => {},
    reload: async () => {},
    onStatus: () => {},
    isVisible: () => shown,
    timers: {
      setTimeout: (run, ms) => {
        timers.set(++nextTimer, { at: now + ms, run });
        return nextTimer;
      },
      clearTimeout: (handle) => timers.delete(handle as number),
    },
  });
  /** Polls until `until` on simulated time; the number of API requests made. */
  const runUntil = async (until: number): Promise<number> => {
    const before = requests;
    for (;;) {
      const [id, due] = [...timers].reduce(
        (a, b) => (b[1].at < a[1].at ? b : a),
        [0, { at: Infinity, run() {} }],
      );
      if (due.at >= until) break;
      timers.delete(id);
      now = due.at;
      due.run();
      await poller.poll();
    }
    now = until;
    return requests - before;
  };
  try {
    poller.start();
    await runUntil(now + 60_000); // the first poll takes a cursor; the steady state follows
    const readsBefore = dynamo.countsOf("history").readUnits;
    const pollsBefore = requests;
    const pollsPerShownHour = await runUntil(now + HOUR_MS);
    const readUnitsPerPoll = (dynamo.countsOf("history").readUnits - readsBefore) / (requests - pollsBefore);
    shown = false;
    poller.visibilityChanged();
    const pollsPerBackgroundHour = await runUntil(now + HOUR_MS);
    poller.stop();
    const assets = await loadDashboardAssets();
    // "/" is the page again under its own path; the host serves index.html for it.
    const files = [...assets].filter(([path]) => path !== "/");
    return {
      pollsPerShownHour,
      pollsPerBackgroundHour,
      readUnitsPerPoll,
      pageBytes: files.reduce((bytes, [, asset]) => bytes + asset.body.length, 0),
      pageRequests: files.length + 1,
    };
  } finally {
    await server.close();
  }
}

let measured: Promise<ConsoleProfile> | undefined;

/** `measureConsoleProfile` once per process: it depends on the code, not on the fleet priced. */
export function consoleProfile(): Promise<ConsoleProfile> {
  measured ??= measureConsoleProfile().catch((error: unknown) => {
    measured = undefined;
    throw error;
  });
  return measured;
}

/** A dependency the change route never calls; calling it anyway fails the measurement loudly. */
function unusedPort<T>(name: string): T {
  return new Proxy(
    {},
    {
      get: (_, property) => {
        throw new Error(`the console measurement does not use ${name}.${String(property)}`);
      },
    },
  ) as T;
}

/** The console's monthly cost for `usage`, priced from what `profile` measured. */
export function consoleCost(usage: ConsoleUsage, profile: ConsoleProfile): ConsoleCost {
  const operatorDays = usage.operators * DAYS_PER_MONTH;
  const polls =
    operatorDays *
    (usage.shownHoursPerDay * profile.pollsPerShownHour +
      usage.backgroundHoursPerDay * profile.pollsPerBackgroundHour);
  const pageLoads = operatorDays * usage.pageLoadsPerDay;
  const millions = (n: number) => `${(n / 1e6).toPrecision(3)}M`;
  const gbSeconds = (polls * POLL_MS * API_MEMORY_GB) / 1000;
  const readUnits = polls * profile.readUnitsPerPoll;
  const viewerGb = (pageLoads * profile.pageBytes) / 1e9;
  const viewerRequests = pageLoads * profile.pageRequests;
  const cloudFront =
    Math.max(0, viewerGb - CLOUDFRONT_ALWAYS_FREE.gb) * PRICES.cloudFrontGbOut.usd +
    (Math.max(0, viewerRequests - CLOUDFRONT_ALWAYS_FREE.requests) / 10_000) *
      PRICES.cloudFrontHttpsRequests.usd;
  const lines: ConsoleCostLine[] = [
    {
      service: "Cognito (Plus plan)",
      usd: usage.operators * PRICES.cognitoPlusMau.usd,
      units: `${usage.operators} MAU`,
      formula: `${usage.operators} operators × $${PRICES.cognitoPlusMau.usd} (threat protection on; identity pool free)`,
    },
    {
      service: "API Gateway (HTTP API)",
      usd: tieredCost(PRICES.apiGatewayHttpRequests, polls / 1e6),
      units: `${millions(polls)} requests`,
      formula: `${profile.pollsPerShownHour}/h shown × ${usage.shownHoursPerDay} h + ${profile.pollsPerBackgroundHour}/h background × ${usage.backgroundHoursPerDay} h, per operator-day`,
    },
    {
      service: "Lambda (api)",
      usd: (polls / 1e6) * PRICES.lambdaRequests.usd + tieredCost(PRICES.lambdaArmGbSecond, gbSeconds),
      units: `${millions(polls)} invocations`,
      formula: `${POLL_MS} ms at ${API_MEMORY_GB * 1024} MB arm64 each (duration assumed)`,
    },
    {
      service: "DynamoDB reads",
      usd: (readUnits / 1e6) * PRICES.dynamoDbReadUnits.usd,
      units: `${millions(readUnits)} RRU`,
      formula: `${profile.readUnitsPerPoll} RRU per poll (one change-feed Query, measured)`,
    },
    {
      service: "CloudFront",
      usd: cloudFront,
      units: `${viewerGb.toPrecision(3)} GB, ${millions(viewerRequests)} requests`,
      formula: `${usage.pageLoadsPerDay} page loads a day of ${(profile.pageBytes / 1024).toFixed(0)} KB; free up to ${CLOUDFRONT_ALWAYS_FREE.gb / 1000} TB and ${CLOUDFRONT_ALWAYS_FREE.requests / 1e6}M requests`,
    },
    {
      service: "S3",
      usd:
        (profile.pageBytes / 1e9) * PRICES.s3StorageGbMonth.usd +
        ((pageLoads * profile.pageRequests) / 1000) * PRICES.s3GetRequests.usd,
      units: `${(profile.pageBytes / 1024).toFixed(0)} KB stored`,
      formula: "the bundle, and at most one origin GET per file per page load (CloudFront caches)",
    },
  ];
  return { usage, profile, lines, total: lines.reduce((sum, line) => sum + line.usd, 0) };
}
