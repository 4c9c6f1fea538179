import fc from "fast-check";
import { createIngest } from "../functions/ingest/createIngest.ts";
import { toReceivedMessage } from "../functions/ingest/toReceivedMessage.ts";
import { compileTopicRule } from "../local/iotRules/compileTopicRule.ts";
import { LocalRulesEngine } from "../local/iotRules/localRulesEngine.ts";
import { toLine } from "../shared/adapters/influx/lineProtocol.ts";
import { quarantineObjects } from "../shared/adapters/quarantineObjects.ts";
import { telemetryRuleName, telemetryRuleSql } from "../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../shared/contracts/telemetryTopic.ts";
import { QUARANTINE_REASONS } from "../shared/domain/ingest/quarantineReason.ts";
import {
  DEFAULT_TELEMETRY_LIMITS,
  type QuarantineEntry,
  type ReceivedMessage,
} from "../shared/domain/ingest/types.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../shared/ports/seriesStore.ts";
import { InMemoryDeviceRegistry, InMemoryQuarantineStore } from "../test/support/inMemoryPorts.ts";
import { manualClock } from "../test/support/testClock.ts";
import { type HostileInputsRow, tally, type Verdict } from "./surface.ts";
import { type TelemetryInput, telemetryInput } from "./telemetryInputs.ts";

const RECEIVED_AT = Date.parse("2026-11-25T12:00:00.000Z");
const KNOWN_REASONS: readonly string[] = QUARANTINE_REASONS;

/**
 * The ingest path of one MQTT message, end to end on in-memory ports: the telemetry rule's SQL as the
 * local stack evaluates it (for hostile topics), `toReceivedMessage` (for hostile rule events), then
 * `createIngest().message`, whose stores encode what they get as the real ones do (InfluxDB line
 * protocol; the quarantine's object layout), so a value the parser lets through but a store cannot
 * carry is seen too.
 * Refused: quarantined with a reason of the C6 enum. Besides throwing, losing any metric silently
 * (neither stored nor quarantined) is a crash: C6 says nothing is lost silently.
 */
export async function telemetryParserRow(runs: number, seed: number): Promise<HostileInputsRow> {
  const rules = new LocalRulesEngine([
    compileTopicRule({ name: telemetryRuleName("plantwatch"), sql: telemetryRuleSql(telemetryTopic()) }),
  ]);
  const inputs = fc.sample(telemetryInput(telemetryRuleName("plantwatch")), { seed, numRuns: runs });
  return tally("telemetry parser", inputs, (input) => ingestOne(input, rules), showInput);
}

async function ingestOne(input: TelemetryInput, rules: LocalRulesEngine): Promise<Verdict> {
  let event: unknown;
  if (input.via === "event") {
    event = input.event;
  } else {
    const routed = rules.route({ ...input, receivedAt: RECEIVED_AT });
    if (routed.length !== 1)
      return { kind: "crash", error: `the telemetry rule fired ${routed.length} times` };
    event = routed[0]?.output;
  }
  const message = toReceivedMessage(event as Parameters<typeof toReceivedMessage>[0], RECEIVED_AT);
  const store = new LineProtocolStore();
  const quarantine = new LayoutQuarantineStore();
  const ingest = createIngest({
    registry: new InMemoryDeviceRegistry(),
    store,
    quarantine,
    clock: manualClock(RECEIVED_AT + 1_000),
    limits: DEFAULT_TELEMETRY_LIMITS,
  });
  await ingest.message(message, { remainingMs: 10_000 });

  const entries = quarantine.entries;
  const unknown = entries.find((entry) => !KNOWN_REASONS.includes(entry.reason) || entry.detail === "");
  if (unknown)
    return { kind: "crash", error: `quarantined without a known reason: ${JSON.stringify(unknown)}` };
  const lost = unaccounted(message, entries, store.points);
  if (lost) return { kind: "crash", error: `lost silently: ${lost}` };
  if (entries.length > 0) return { kind: "refused", reasons: entries.map((entry) => entry.reason) };
  if (store.points.length > 0) return { kind: "accepted" };
  return { kind: "crash", error: "neither stored nor quarantined" };
}

/** The default series store's encoding, without the network: a point it cannot write is refused. */
class LineProtocolStore implements SeriesStore {
  readonly points: SeriesPoint[] = [];

  async write(points: readonly SeriesPoint[]): Promise<SeriesWriteResult> {
    const rejected: { ref: SeriesPoint["ref"]; reason: string }[] = [];
    for (const point of points) {
      const line = toLine(point);
      if ("problem" in line) rejected.push({ ref: point.ref, reason: line.problem });
      else this.points.push(point);
    }
    return { rejected, unwritten: [], retries: 0 };
  }
}

/** Lays entries out as the S3 and local quarantine stores do before it keeps them. */
class LayoutQuarantineStore extends InMemoryQuarantineStore {
  override async put(entries: readonly QuarantineEntry[]): Promise<void> {
    quarantineObjects(entries, "quarantine/");
    await super.put(entries);
  }
}

/**
 * Which metric of the payload, read independently of the parser, ended up neither stored nor
 * quarantined. A message or sample quarantined as a whole accounts for everything in it.
 */
function unaccounted(
  message: ReceivedMessage,
  entries: readonly QuarantineEntry[],
  stored: readonly SeriesPoint[],
): string | undefined {
  if (entries.some((entry) => entry.sampleIndex === undefined)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(message.payload));
  } catch {
    return "a payload that is not UTF-8 JSON was not quarantined as a whole";
  }
  const samples = isObject(json) && "samples" in json && Array.isArray(json.samples) ? json.samples : [json];
  for (const [index, sample] of samples.entries()) {
    const here = entries.filter((entry) => entry.sampleIndex === index);
    if (here.some((entry) => entry.metric === undefined)) continue;
    const metrics = isObject(sample) && isObject(sample.metrics) ? Object.keys(sample.metrics) : [];
    const kept = stored
      .filter((point) => point.ref.sampleIndex === index)
      .reduce((sum, point) => sum + Object.keys(point.metrics).length, 0);
    if (metrics.length !== kept + here.length) {
      return `sample ${index} has metrics ${JSON.stringify(metrics).slice(0, 200)}; ${kept} stored, ${here.length} quarantined`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function showInput(input: TelemetryInput): string {
  if (input.via === "event") return `rule event ${JSON.stringify(input.event)}`;
  const payload = Buffer.from(input.payload).toString("utf8");
  return `topic ${JSON.stringify(input.topic)} client ${JSON.stringify(input.clientId)} payload ${JSON.stringify(payload)}`;
}
