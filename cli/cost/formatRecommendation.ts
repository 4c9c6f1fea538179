import { GOAL_PER_MILLION, STORE_NAMES } from "../../cost/costModel.ts";
import { kindOf, type PricedConfiguration, type Recommendation } from "../../cost/recommend.ts";
import { formatTable, type OutputStyle, paint } from "../format/table.ts";
import { messageCount, money, perMillion } from "./formatCost.ts";

const seconds = (ms: number) => `${Number((ms / 1000).toPrecision(3))} s`;
const units = (value: number) => Number(value.toPrecision(3)).toString();
const whole = (value: number) => Math.round(value).toLocaleString("en-US");

/** "stream, Kinesis provisioned with 3 shards, batches of up to 500 records or 5 s". */
export function configurationSummary(candidate: PricedConfiguration): string {
  const { stream } = candidate;
  const ingestion =
    stream === undefined
      ? "direct (the telemetry rule invokes ingest and evaluate per message)"
      : `stream, Kinesis ${stream.kinesis}${stream.kinesis === "provisioned" ? ` with ${stream.shards} shard(s)` : ""}, batches of up to ${whole(stream.batchSize)} records or ${stream.batchWindowSeconds} s`;
  const instance = candidate.cost.influx === undefined ? "" : ` (${candidate.cost.influx.instanceClass})`;
  return `${ingestion}; series on ${STORE_NAMES[candidate.store]}${instance}`;
}

/** The human output of `plantwatch cost --recommend`: the configuration, why, and how to deploy it. */
export function formatRecommendation(recommendation: Recommendation, style: OutputStyle): string {
  const { fleet, options, chosen, peak } = recommendation;
  const out: string[] = [];
  const rate = fleet.alarmRate === undefined ? "" : `, ${fleet.alarmRate} transitions per device per day`;
  out.push(
    `${paint(style, "bold", `Recommended for ${whole(fleet.devices)} devices every ${fleet.intervalMs / 1000} s, ${fleet.metrics} metrics, ${fleet.payloadBytes} B payloads${fleet.basicIngest ? ", Basic Ingest" : ""}${rate}`)}\n`,
    `${messageCount(recommendation.messagesPerMonth)} messages a month; peaks assumed ${options.peakFactor}× the average (--peak-factor), shards kept ${Math.round(options.headroom * 100)} % below their limits at the peak (--headroom), alarm latency at most ${seconds(options.maxLatencyMs)} (--max-latency)\n\n`,
  );
  const verdict = chosen.cost.perMillion <= GOAL_PER_MILLION ? "meets" : "misses";
  out.push(
    `${paint(style, "bold", configurationSummary(chosen))}\n`,
    `  cost: ${money(chosen.cost.total)} a month, ${perMillion(chosen.cost.perMillion)} per million messages (${verdict} the goal of ≤ $${GOAL_PER_MILLION.toFixed(2)})\n`,
    `  DynamoDB, measured by running the real ingest and alarm engine: ${units(chosen.dynamoDb.readUnits)} RRU and ${units(chosen.dynamoDb.writeUnits)} WRU per message, of which the alarm state ${units(chosen.dynamoDb.alarmReadUnits)} RRU and ${units(chosen.dynamoDb.alarmWriteUnits)} WRU\n`,
    `  alarm latency: ≤ ${seconds(chosen.latency.ms)} = ${chosen.latency.parts.map((part) => `${seconds(part.ms)} ${part.what}`).join(" + ")}; not counted: ${chosen.latency.excludes}; offline alarms come from the sweep, once a minute\n`,
    `  peak load: ${whole(peak.recordsPerSecond)} records/s, ${units(peak.bytesPerSecond / 1_048_576)} MB/s (${peak.recordBytes} B per record); a shard takes 1,000 records/s and 1 MB/s, so ${peak.shards} shard(s) at the peak\n`,
    ...recommendation.why.map((line) => `  why: ${line}\n`),
    ...recommendation.notes.map((line) => `  note: ${line}\n`),
    "\n",
  );
  out.push(
    paint(
      style,
      "bold",
      'Deploy it: merge this into cdk.json under "context" → "plantwatch" (or a stage under "plantwatch:stages"), then npx cdk deploy\n',
    ),
    `${JSON.stringify(recommendation.context, null, 2)}\n\n`,
  );
  out.push(paint(style, "bold", "The best of each kind (same fleet, same prices)\n"));
  out.push(
    formatTable(
      ["KIND", "CONFIGURATION", "MONTHLY", "PER MILLION", "LATENCY"],
      [chosen, ...recommendation.alternatives].map((candidate) => [
        kindOf(candidate),
        candidate.stream === undefined
          ? "-"
          : `${candidate.stream.kinesis === "provisioned" ? `${candidate.stream.shards} shard(s), ` : ""}${candidate.stream.batchSize} records, ${candidate.stream.batchWindowSeconds} s`,
        money(candidate.cost.total),
        perMillion(candidate.cost.perMillion),
        `≤ ${seconds(candidate.latency.ms)}`,
      ]),
      style,
    ),
  );
  const { searched } = recommendation;
  out.push(
    `\nSearched: direct, and stream with provisioned shards ${searched.shards.join(", ")} and on-demand, batch sizes ${searched.batchSizes.join(", ")}, windows ${searched.windowSeconds.join(", ")} s, with ${options.stores.map((store) => STORE_NAMES[store]).join(" and ")}: ` +
      `${searched.priced} priced from ${searched.measuredRuns} measured runs; left out ${searched.rejected.latency} over the latency budget, ${searched.rejected.payload} over Lambda's 6 MB batch payload, ${searched.rejected.consumer} whose consumer could not keep up at the peak.\n`,
    `Every line of its bill: ${costCommandFor(recommendation)}\n`,
  );
  return out.join("");
}

/** The `plantwatch cost` command that prints the chosen configuration's whole bill. */
export function costCommandFor({ fleet, chosen }: Recommendation): string {
  const { stream } = chosen;
  return [
    "plantwatch cost",
    `--devices ${fleet.devices} --interval ${fleet.intervalMs / 1000}s --metrics ${fleet.metrics} --payload-bytes ${fleet.payloadBytes}`,
    ...(fleet.alarmRate === undefined ? [] : [`--alarm-rate ${fleet.alarmRate}`]),
    ...(fleet.basicIngest ? ["--basic-ingest"] : []),
    `--ingestion ${chosen.ingestion}`,
    ...(stream === undefined
      ? []
      : [
          `--kinesis ${stream.kinesis}`,
          ...(stream.kinesis === "provisioned" ? [`--shards ${stream.shards}`] : []),
          `--batch-size ${stream.batchSize} --batch-window ${stream.batchWindowSeconds}s`,
        ]),
    `--store ${chosen.store}`,
  ].join(" ");
}
