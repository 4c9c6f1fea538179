import { Command, InvalidArgumentError, Option } from "commander";
import { KPI_BUCKETS, type KpiBucket, type KpiResponse } from "../../shared/contracts/kpis.ts";
import { API_LIMITS } from "../../shared/contracts/operatorApi.ts";
import {
  type ApiDependencies,
  type ApiTargetOptions,
  addApiTargetOptions,
  operatorApiClient,
} from "../api/apiTarget.ts";
import { label, resolveTime, type TimeInput, thingName, time } from "../api/operatorArguments.ts";
import { UsageError } from "../errors.ts";
import { examples } from "../format/help.ts";
import { formatKpiCsv, formatKpiReport } from "../format/kpis.ts";
import { outputStyle } from "../format/table.ts";
import { action, type CliIo, processIo } from "../io.ts";

interface KpiOptions extends ApiTargetOptions {
  readonly site?: string;
  readonly line?: string;
  readonly device?: string;
  readonly from?: TimeInput;
  readonly to?: TimeInput;
  readonly bucket: KpiBucket;
  readonly json?: boolean;
  readonly csv?: boolean;
}

const EXAMPLES = [
  "plantwatch kpi --local --line line-1                      (the last 24 h, by day)",
  "plantwatch kpi --site plant-1 --from -7d --bucket shift",
  "plantwatch kpi --device press-7 --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z --json",
];

function bucket(value: string): KpiBucket {
  if (!(KPI_BUCKETS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${KPI_BUCKETS.join(", ")}`);
  }
  return value as KpiBucket;
}

/** `plantwatch kpi`: availability, performance, quality, OEE, stops and alarm times (C9, `GET /kpis`). */
export function kpiCommand(
  io: CliIo = processIo(),
  dependencies: ApiDependencies = {},
  clock: () => number = Date.now,
): Command {
  const kpi = addApiTargetOptions(
    new Command("kpi")
      .description("equipment KPIs of a site, line or device: OEE and its factors, MTBF, MTTR, MTTA")
      .option("--site <site>", "only this site's devices", label)
      .option("--line <line>", "only this line's devices", label)
      .option("--device <thingName>", "only this device", thingName)
      .option("--from <time>", "start: ISO time with a zone, epoch ms, or -<duration> (default: -24h)", time)
      .option("--to <time>", "end: ISO time with a zone, epoch ms, now, or -<duration> (default: now)", time)
      .addOption(
        new Option("--bucket <size>", `bucket: ${KPI_BUCKETS.join(", ")}`).argParser(bucket).default("day"),
      )
      .addOption(new Option("--json", "print the API's answer as JSON (every device)").conflicts("csv"))
      .option("--csv", "print one row per selection, line and device as CSV"),
  )
    .addHelpText("after", examples(...EXAMPLES))
    .action(action(io, (options: KpiOptions) => run(io, dependencies, clock, options)));
  kpi.configureOutput({ writeOut: io.out, writeErr: io.err });
  return kpi;
}

async function run(io: CliIo, dependencies: ApiDependencies, clock: () => number, options: KpiOptions) {
  const now = clock();
  const to = options.to === undefined ? now : resolveTime(options.to, now);
  const from =
    options.from === undefined ? to - API_LIMITS.defaultKpiRangeMs : resolveTime(options.from, now);
  if (from >= to) throw new UsageError("--from must be before --to");
  if (to - from > API_LIMITS.maxKpiRangeMs) throw new UsageError("the range may span at most 31d");
  const client = await operatorApiClient(options, dependencies);
  const query = {
    site: options.site,
    line: options.line,
    device: options.device,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket: options.bucket,
    // Every page computes the whole selection: ask for all devices (at most maxKpiDevices) at once.
    limit: String(API_LIMITS.maxPageSize),
  };
  // Devices come in pages; the selection and lines are the same on every page.
  let report = await client.get<KpiResponse>(["kpis"], query);
  const devices = [...report.devices];
  while (report.next !== undefined) {
    report = await client.get<KpiResponse>(["kpis"], { ...query, next: report.next });
    devices.push(...report.devices);
  }
  const { next: _next, ...whole } = { ...report, devices };
  if (options.json) io.out(`${JSON.stringify(whole, null, 2)}\n`);
  else if (options.csv) io.out(formatKpiCsv(whole));
  else io.out(formatKpiReport(whole, outputStyle(io)));
}
