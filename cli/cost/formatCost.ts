import type { ConsoleCost } from "../../cost/consoleCost.ts";
import {
  type CostBreakdown,
  type CostLine,
  type SeriesStoreChoice,
  type Service,
  STORE_NAMES,
} from "../../cost/costModel.ts";
import { type CostEstimate, configurationLabel } from "../../cost/estimateCost.ts";
import { formatTable, type OutputStyle, paint } from "../format/table.ts";

export const money = (usd: number) =>
  usd >= 100 ? `$${Math.round(usd).toLocaleString("en-US")}` : `$${usd.toFixed(2)}`;
export const perMillion = (usd: number) => `$${usd.toFixed(3)}`;
const count = (value: number) => Number(value.toPrecision(3)).toString();

const STORE_COLUMNS: Record<SeriesStoreChoice, string> = {
  liveanalytics: "LIVEANALYTICS",
  influxdb: "INFLUXDB",
};

/** "2.63 billion", "4.38 million", "52,560": three significant digits in words a reader says aloud. */
export function messageCount(messages: number): string {
  if (messages >= 1e9) return `${count(messages / 1e9)} billion`;
  if (messages >= 1e6) return `${count(messages / 1e6)} million`;
  return Math.round(messages).toLocaleString("en-US");
}

/** The fleet in one line, the volume and prices in the next. */
export function costHeader(estimate: CostEstimate): [string, string] {
  const { inputs } = estimate;
  return [
    `plantwatch (${configurationLabel(inputs)}): ${inputs.devices.toLocaleString("en-US")} devices every ${inputs.intervalMs / 1000} s, ${inputs.metrics} metrics, ${inputs.payloadBytes} B payloads`,
    `${messageCount(estimate.messagesPerMonth)} messages a month (730 h); ${estimate.prices.region} list prices read ${estimate.prices.readOn}`,
  ];
}

/** "direct + Basic Ingest with Timestream for InfluxDB on db.influx.large, single-az". */
function choice(label: string, cost: CostBreakdown, deployment: string): string {
  const instance = cost.influx === undefined ? "" : ` on ${cost.influx.instanceClass}, ${deployment}`;
  return `${label} with ${STORE_NAMES[cost.store]}${instance}`;
}

/** The sentence that answers "which store and ingestion mode, for this fleet?". */
export function cheapestLine(estimate: CostEstimate): string {
  const { cheapest } = estimate;
  const deployment = estimate.inputs.influx?.deployment ?? "single-az";
  const best = `${choice(cheapest.label, cheapest.cost, deployment)}: ${money(cheapest.cost.total)} a month`;
  const alternative = cheapest.alternative;
  if (alternative === undefined) return `Cheapest for this fleet: ${best}.`;
  const saving = money(alternative.cost.total - cheapest.cost.total);
  return `Cheapest for this fleet: ${best}, ${saving} a month less than ${choice(alternative.label, alternative.cost, deployment)} (${money(alternative.cost.total)}).`;
}

/** The human output of `plantwatch cost`: the breakdown, the verdict, the store choice, the anchors, the footnotes. */
export function formatCostEstimate(estimate: CostEstimate, style: OutputStyle): string {
  const { inputs, plantwatch, anchors, measured, goal } = estimate;
  const out: string[] = [];
  const [fleet, volume] = costHeader(estimate);
  out.push(`${paint(style, "bold", fleet)}\n`, `${volume}\n\n`);

  const both = plantwatch.length > 1;
  const rows = unionOfLines(plantwatch);
  out.push(
    formatTable(
      [
        "SERVICE",
        ...(both ? plantwatch.map((cost) => STORE_COLUMNS[cost.store]) : ["MONTHLY"]),
        "UNITS",
        "HOW",
      ],
      rows.map((line) => [
        line.service,
        ...plantwatch.map((cost) => cell(cost.lines, line.service)),
        line.units,
        line.formula,
      ]),
      style,
    ),
  );
  out.push(
    `\nTotal ${plantwatch
      .map(
        (cost) =>
          `${both ? `with ${STORE_NAMES[cost.store]} ` : ""}${money(cost.total)} a month, ${perMillion(cost.perMillion)} per million messages`,
      )
      .join("; ")}`,
  );
  const judged = both ? ` (with ${STORE_NAMES[goal.store]}, the cheaper here)` : "";
  const verdict = goal.met
    ? paint(style, "green", `meets the goal of ≤ $${goal.perMillion.toFixed(2)} per million${judged}`)
    : paint(
        style,
        "red",
        `misses the goal of ≤ $${goal.perMillion.toFixed(2)} per million${judged}: ${goal.dominant.service} is ${Math.round(goal.dominant.share * 100)} % of the bill; to change it: ${goal.dominant.lever}`,
      );
  out.push(`\n${verdict}\n\n`);

  out.push(
    paint(style, "bold", "Each ingestion configuration with each series store (same fleet, same prices)\n"),
  );
  out.push(
    formatTable(
      [
        "INGESTION",
        ...estimate.stores.map((store) => STORE_COLUMNS[store]),
        ...estimate.stores.map((store) => `${STORE_COLUMNS[store]} PER MILLION`),
      ],
      estimate.configurations.map((config) => [
        config.label,
        ...config.costs.map((cost) => money(cost.total)),
        ...config.costs.map((cost) => perMillion(cost.perMillion)),
      ]),
      style,
    ),
  );
  out.push(`${paint(style, "bold", cheapestLine(estimate))}\n\n`);
  out.push(formatConsoleCost(estimate.console, style));

  const columns = [...plantwatch, ...anchors];
  const services = unionOfLines(columns).map((line) => line.service);
  out.push(paint(style, "bold", "Side by side with the anchors (same fleet, same prices)\n"));
  out.push(
    formatTable(
      [
        "SERVICE",
        ...plantwatch.map((cost) => (both ? `PLANTWATCH ${STORE_COLUMNS[cost.store]}` : "PLANTWATCH")),
        "A: LAMBDA PER MESSAGE",
        "B: RULE → TIMESTREAM",
      ],
      [
        ...services.map((service) => [service, ...columns.map((cost) => cell(cost.lines, service))]),
        ["total", ...columns.map((cost) => money(cost.total))],
        ["per million messages", ...columns.map((cost) => perMillion(cost.perMillion))],
      ],
      style,
    ),
  );
  out.push(
    `A: ${anchors[0]?.name.replace(/^A: /, "")}; B: ${anchors[1]?.name.replace(/^B: /, "")} (both on LiveAnalytics)\n\n`,
  );

  out.push(
    paint(style, "bold", "Measured"),
    ` by running ingestMessages and the AlarmEngine with the Timestream, InfluxDB, DynamoDB and EventBridge adapters over ${measured.simulatedMessages} messages of ${measured.simulatedDevices} simulated devices (demo scenario: overheat, offline), ${measured.batchSize} message(s) per invocation, ${measured.containers} container(s):\n`,
    `  per message: ${count(measured.timestreamRequests)} WriteRecords, ${count(measured.timestreamWriteUnits)} Timestream write units, ${count(measured.recordsPerRequest)} records per request, ${count(measured.storedBytes)} B stored; ` +
      `${count(measured.influxRequests)} InfluxDB /write requests (no per-request charge), ${count(measured.influxLines)} lines, ${count(measured.linesPerRequest)} lines per request; ` +
      `${count(measured.readUnits)} DynamoDB RRU, ${count(measured.writeUnits)} WRU (lastSeen writes ${count(measured.lastSeenWrites)}); ${count(measured.transitions)} transitions\n`,
    `  per transition: ${count(measured.putEventsPerTransition)} PutEvents, ${count(measured.writeUnitsPerTransition)} extra WRU (history, outbox)${inputs.alarmRate === undefined ? "; transitions as measured (pass --alarm-rate for your plant's rate)" : `; ${inputs.alarmRate} transitions per device per day (--alarm-rate)`}\n\n`,
  );
  const { assumptions } = estimate;
  out.push(
    "Notes:\n",
    `  Prices not verified on a page we could read (best documented value used): ${estimate.prices.unverified.join("; ")}\n`,
    `  Assumed, not measured: Lambda durations (${assumptions.directIngestMs} ms ingest and ${assumptions.directEvaluateMs} ms evaluate per message in direct mode, the same for either store), ${assumptions.lambdaMemoryGb * 1024} MB functions, one email subscriber; SMS varies by destination country and is not included.\n`,
    ...(estimate.stores.includes("influxdb")
      ? [
          `  InfluxDB: the class is the smallest AWS sizes for the load (lines/s = messages/s × lines per message as measured; series = devices × metrics), from AWS's heuristics (medium 5k lines/s and 10k series, large 50k/100k, xlarge 100k/500k, 2xlarge 150k/1M, 4xlarge 250k/5M; larger classes extrapolated by vCPUs); storage assumes ${assumptions.influxBytesPerValue} B per value in TSM; Multi-AZ bills ${assumptions.influxMultiAzFactor}× instance and storage; the token secret is read once per cold start, a warm container assumed to live ${assumptions.containerLifetimeMinutes} min.\n`,
        ]
      : []),
    `  Negligible here: ${estimate.negligible.join("; ")}.\n`,
    "  Sources of every price: cost/prices.ts.\n",
  );
  return out.join("");
}

/** Every service of `costs`, in the order it first appears, with the units and formula of that first line. */
function unionOfLines(costs: readonly CostBreakdown[]): CostLine[] {
  const seen = new Map<Service, CostLine>();
  for (const line of costs.flatMap((cost) => cost.lines))
    if (!seen.has(line.service)) seen.set(line.service, line);
  return [...seen.values()];
}

function cell(lines: readonly { service: Service; usd: number }[], service: Service): string {
  const line = lines.find((candidate) => candidate.service === service);
  return line === undefined ? "-" : money(line.usd);
}

/** The hosted console's own monthly cost: what its operators' sign-ins, polls and page loads cost. */
export function formatConsoleCost(console: ConsoleCost, style: OutputStyle): string {
  const { usage } = console;
  const heading = `The operator console: ${money(console.total)} a month for ${usage.operators} operators (${usage.shownHoursPerDay} h a day shown, ${usage.backgroundHoursPerDay} h in a background tab), apart from the fleet's cost above`;
  return `${paint(style, "bold", heading)}\n${formatTable(
    ["SERVICE", "MONTHLY", "UNITS", "HOW"],
    console.lines.map((line) => [line.service, money(line.usd), line.units, line.formula]),
    style,
  )}\n`;
}
