import { formatTable, type OutputStyle, paint } from "../format/table.ts";
import type { Service } from "./costModel.ts";
import type { CostEstimate } from "./estimateCost.ts";

const money = (usd: number) =>
  usd >= 100 ? `$${Math.round(usd).toLocaleString("en-US")}` : `$${usd.toFixed(2)}`;
const perMillion = (usd: number) => `$${usd.toFixed(3)}`;
const count = (value: number) => Number(value.toPrecision(3)).toString();

/** The human output of `plantwatch cost`: the breakdown, the verdict, the anchors, the footnotes. */
export function formatCostEstimate(estimate: CostEstimate, style: OutputStyle): string {
  const { inputs, plantwatch, anchors, measured, goal } = estimate;
  const out: string[] = [];
  out.push(
    paint(
      style,
      "bold",
      `${plantwatch.name}: ${inputs.devices.toLocaleString("en-US")} devices every ${inputs.intervalMs / 1000} s, ${inputs.metrics} metrics, ${inputs.payloadBytes} B payload`,
    ),
    `${(estimate.messagesPerMonth / 1e9).toFixed(3)} billion messages a month (730 h), ${estimate.prices.region} list prices read ${estimate.prices.readOn}\n\n`,
  );
  out.push(
    formatTable(
      ["SERVICE", "MONTHLY", "UNITS", "HOW"],
      plantwatch.lines.map((line) => [line.service, money(line.usd), line.units, line.formula]),
      style,
    ),
  );
  out.push(
    `\nTotal ${money(plantwatch.total)} a month, ${perMillion(plantwatch.perMillion)} per million messages`,
  );
  const verdict = goal.met
    ? paint(style, "green", `meets the goal of ≤ $${goal.perMillion.toFixed(2)} per million`)
    : paint(
        style,
        "red",
        `misses the goal of ≤ $${goal.perMillion.toFixed(2)} per million: ${goal.dominant.service} is ${Math.round(goal.dominant.share * 100)} % of the bill; to change it: ${goal.dominant.lever}`,
      );
  out.push(`\n${verdict}\n\n`);

  const services = [
    ...new Set(
      [...plantwatch.lines, ...anchors.flatMap((anchor) => anchor.lines)].map((line) => line.service),
    ),
  ];
  const cell = (lines: readonly { service: Service; usd: number }[], service: Service) => {
    const line = lines.find((candidate) => candidate.service === service);
    return line === undefined ? "-" : money(line.usd);
  };
  out.push(paint(style, "bold", "Side by side (same fleet, same prices)\n"));
  out.push(
    formatTable(
      ["SERVICE", "PLANTWATCH", "A: LAMBDA PER MESSAGE", "B: RULE → TIMESTREAM"],
      [
        ...services.map((service) => [
          service,
          ...[plantwatch, ...anchors].map((cost) => cell(cost.lines, service)),
        ]),
        ["total", ...[plantwatch, ...anchors].map((cost) => money(cost.total))],
        ["per million messages", ...[plantwatch, ...anchors].map((cost) => perMillion(cost.perMillion))],
      ],
      style,
    ),
  );
  out.push(`A: ${anchors[0]?.name.replace(/^A: /, "")}; B: ${anchors[1]?.name.replace(/^B: /, "")}\n\n`);

  out.push(
    paint(style, "bold", "Measured"),
    ` by running ingestMessages and the AlarmEngine with the Timestream, DynamoDB and EventBridge adapters over ${measured.simulatedMessages} messages of ${measured.simulatedDevices} simulated devices (demo scenario: overheat, offline), ${measured.batchSize} message(s) per invocation, ${measured.containers} container(s):\n`,
    `  per message: ${count(measured.timestreamRequests)} WriteRecords, ${count(measured.timestreamWriteUnits)} Timestream write units, ${count(measured.recordsPerRequest)} records per request, ${count(measured.storedBytes)} B stored; ` +
      `${count(measured.readUnits)} DynamoDB RRU, ${count(measured.writeUnits)} WRU (lastSeen writes ${count(measured.lastSeenWrites)}); ${count(measured.transitions)} transitions\n`,
    `  per transition: ${count(measured.putEventsPerTransition)} PutEvents, ${count(measured.writeUnitsPerTransition)} extra WRU (history, outbox)${inputs.alarmRate === undefined ? "; transitions as measured (pass --alarm-rate for your plant's rate)" : `; ${inputs.alarmRate} transitions per device per day (--alarm-rate)`}\n\n`,
  );
  out.push(
    "Notes:\n",
    `  Prices not verified on a page we could read (best documented value used): ${estimate.prices.unverified.join("; ")}\n`,
    `  Assumed, not measured: Lambda durations (${estimate.assumptions.directIngestMs} ms ingest and ${estimate.assumptions.directEvaluateMs} ms evaluate per message in direct mode), ${estimate.assumptions.lambdaMemoryGb * 1024} MB functions, one email subscriber; SMS varies by destination country and is not included.\n`,
    `  Negligible here: ${estimate.negligible.join("; ")}.\n`,
    "  Sources of every price: cli/cost/prices.ts.\n",
  );
  return out.join("");
}
