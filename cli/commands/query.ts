import { Command, Option } from "commander";
import { API_LIMITS, type TelemetryView } from "../../shared/contracts/operatorApi.ts";
import { parseDuration } from "../../shared/contracts/ruleDuration.ts";
import {
  type ApiDependencies,
  type ApiTargetOptions,
  addApiTargetOptions,
  operatorApiClient,
} from "../api/apiTarget.ts";
import {
  metric,
  resolveTime,
  stepDuration,
  type TimeInput,
  thingName,
  time,
} from "../api/operatorArguments.ts";
import { UsageError } from "../errors.ts";
import { examples } from "../format/help.ts";
import { outputStyle } from "../format/table.ts";
import { formatTelemetryCsv, formatTelemetrySummary, formatTelemetryTable } from "../format/telemetry.ts";
import { action, type CliIo, processIo } from "../io.ts";

interface QueryOptions extends ApiTargetOptions {
  readonly metric: string;
  readonly from?: TimeInput;
  readonly to?: TimeInput;
  readonly step?: string;
  readonly json?: boolean;
  readonly csv?: boolean;
}

const EXAMPLES = [
  "plantwatch query oven-3 --metric temperature                (the last hour, raw points)",
  "plantwatch query oven-3 --metric temperature --from -24h --step 15m",
  "plantwatch query oven-3 --metric vibration_rms --from 2026-11-25T00:00:00Z --to 2026-11-26T00:00:00Z --csv > day.csv",
];

/** `plantwatch query <thingName> --metric ...`: a device's series (C7 telemetry route), raw or bucketed. */
export function queryCommand(
  io: CliIo = processIo(),
  dependencies: ApiDependencies = {},
  clock: () => number = Date.now,
): Command {
  const query = addApiTargetOptions(
    new Command("query")
      .description("a device's telemetry for one metric: a summary with a sparkline and the points")
      .argument("<thingName>", "the thing name, e.g. oven-3")
      .requiredOption("--metric <name>", "the metric, e.g. temperature", metric)
      .option(
        "--from <time>",
        "start: ISO time with a zone, epoch ms, or -<duration> before now (default: -1h)",
        time,
      )
      .option("--to <time>", "end: ISO time with a zone, epoch ms, now, or -<duration> (default: now)", time)
      .option(
        "--step <duration>",
        "average into buckets this wide, e.g. 1m or 15m (default: raw points)",
        stepDuration,
      )
      .addOption(new Option("--json", "print the API's telemetry view as JSON").conflicts("csv"))
      .option("--csv", "print the points as CSV"),
  )
    .addHelpText("after", examples(...EXAMPLES))
    .action(action(io, (name: string, options: QueryOptions) => run(io, dependencies, clock, name, options)));
  query.configureOutput({ writeOut: io.out, writeErr: io.err });
  return query;
}

/** The range as the API will take it, refused here with the API's bounds rather than after a round trip. */
export function queryRange(options: QueryOptions, now: number): { from: number; to: number } {
  const to = options.to === undefined ? now : resolveTime(options.to, now);
  const from =
    options.from === undefined ? to - API_LIMITS.defaultTelemetryRangeMs : resolveTime(options.from, now);
  if (from >= to) throw new UsageError("--from must be before --to");
  if (to - from > API_LIMITS.maxTelemetryRangeMs) throw new UsageError("the range may span at most 31d");
  const stepMs = options.step === undefined ? undefined : parseDuration(options.step);
  if (stepMs !== undefined && stepMs % 1000 !== 0) throw new UsageError("--step must be whole seconds");
  if (stepMs !== undefined && Math.ceil((to - from) / stepMs) > API_LIMITS.maxTelemetryPoints) {
    throw new UsageError(
      `--step ${options.step} makes more than ${API_LIMITS.maxTelemetryPoints} buckets for this range; widen it`,
    );
  }
  return { from, to };
}

async function run(
  io: CliIo,
  dependencies: ApiDependencies,
  clock: () => number,
  name: string,
  options: QueryOptions,
): Promise<void> {
  const valid = thingName(name);
  const { from, to } = queryRange(options, clock());
  const client = await operatorApiClient(options, dependencies);
  const view = await client.get<TelemetryView>(["devices", valid, "telemetry"], {
    metric: options.metric,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    step: options.step,
  });
  if (view.truncated) {
    io.err(
      `warning: more than ${API_LIMITS.maxTelemetryPoints} points; the newest are shown (narrow the range or use --step)\n`,
    );
  }
  if (options.json) io.out(`${JSON.stringify(view, null, 2)}\n`);
  else if (options.csv) io.out(formatTelemetryCsv(view));
  else {
    io.out(formatTelemetrySummary(view));
    if (view.points.length > 0) io.out(formatTelemetryTable(view, outputStyle(io)));
  }
}
