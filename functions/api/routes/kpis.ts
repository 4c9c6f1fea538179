import { KPI_BUCKETS, type KpiBucket, type KpiResponse } from "../../../shared/contracts/kpis.ts";
import { API_LIMITS } from "../../../shared/contracts/operatorApi.ts";
import type { Severity } from "../../../shared/domain/alarms/rule.ts";
import { bucketsOf } from "../../../shared/domain/kpis/buckets.ts";
import { computeKpis, KpiDeadlineError } from "../../../shared/domain/kpis/computeKpis.ts";
import type { OperatorApiDependencies } from "../dependencies.ts";
import { ruleSummaries } from "../dependencies.ts";
import { type ApiRoute, deadlineOf, json, route } from "../http.ts";
import { pageOf, pageRequest } from "../paging.ts";
import { OperatorApiError, RequestProblems } from "../protocol/apiError.ts";
import { quote, readQuery, text, thingName, timeRange } from "../protocol/requestParameters.ts";

/**
 * C9 over C7: the devices are chosen from the registry (so only registered names reach the store),
 * the range and bucket are bounded before any query, and the figures come from `computeKpis`.
 */
export function kpiRoutes(deps: OperatorApiDependencies): ApiRoute[] {
  return [
    route("GET /kpis", async (event, context) => {
      const problems = new RequestProblems();
      const query = readQuery(
        event.queryStringParameters,
        ["site", "line", "device", "from", "to", "bucket", "limit", "next"],
        problems,
      );
      const site = query.site === undefined ? undefined : text(query.site, 128, "query.site", problems);
      const line = query.line === undefined ? undefined : text(query.line, 128, "query.line", problems);
      const device =
        query.device === undefined ? undefined : thingName(query.device, "query.device", problems);
      const bucket = (query.bucket ?? "day") as KpiBucket;
      if (!KPI_BUCKETS.includes(bucket)) {
        problems.add("query.bucket", `must be one of ${KPI_BUCKETS.join(", ")}; not ${quote(bucket)}`);
      }
      const now = deps.clock.now();
      const { from, to } = timeRange(
        query,
        { now, defaultMs: API_LIMITS.defaultKpiRangeMs, maxMs: API_LIMITS.maxKpiRangeMs },
        problems,
      );
      const page = pageRequest(query, "kpis", problems);
      problems.throwIfAny();
      const series = deps.kpis.series;
      if (from === undefined || to === undefined) throw new Error("a validated parameter is missing");

      const devices = (await deps.registry.list()).filter(
        (record) =>
          (device === undefined || record.thingName === device) &&
          (site === undefined || record.site === site) &&
          (line === undefined || record.line === line),
      );
      if (device !== undefined && devices.length === 0) {
        throw new OperatorApiError(
          "not_found",
          `device ${device} is not registered${site || line ? " there" : ""}`,
        );
      }
      if (devices.length > API_LIMITS.maxKpiDevices) {
        throw new OperatorApiError("invalid_request", "too many devices", [
          {
            path: line === undefined ? "query.site" : "query.line",
            message: `selects ${devices.length} devices; at most ${API_LIMITS.maxKpiDevices} (choose a site or line)`,
          },
        ]);
      }
      const lines = new Set(devices.map((record) => JSON.stringify([record.site, record.line]))).size;
      const buckets = bucketsOf(from, to, bucket, deps.kpis.plant.timeZone, deps.kpis.plant.shifts).length;
      if (buckets * (lines + 1) > API_LIMITS.maxKpiBucketRows) {
        throw new OperatorApiError("invalid_request", "too many buckets", [
          {
            path: "query.bucket",
            message: `makes ${buckets} buckets for each of ${lines + 1} groups; at most ${API_LIMITS.maxKpiBucketRows} in all (a shorter range or a longer bucket)`,
          },
        ]);
      }

      const severities = new Map<string, Severity>(
        [...(await ruleSummaries(deps)).values()].map((rule) => [rule.id, rule.severity]),
      );
      const kpis = await computeKpis(
        { series, alarms: deps.alarms, plant: deps.kpis.plant, clock: deps.clock },
        { devices, from, to, bucket, now, severities, deadline: deadlineOf(context, now) },
      ).catch((error: unknown) => {
        if (!(error instanceof KpiDeadlineError)) throw error;
        throw new OperatorApiError("unavailable", "the selection took too long to compute", [
          {
            path: line === undefined ? "query.site" : "query.line",
            message: `${error.computed} of ${error.selected} devices were computed in the time an answer may take (the series store is slow or busy); choose a line or a device, or try again`,
          },
        ]);
      });
      const devicePage = pageOf(kpis.devices, (group) => group.thingName ?? "", page, "kpis");
      const body: KpiResponse = {
        ...kpis,
        devices: devicePage.items,
        ...(devicePage.next === undefined ? {} : { next: devicePage.next }),
      };
      return json(200, body);
    }),
  ];
}
