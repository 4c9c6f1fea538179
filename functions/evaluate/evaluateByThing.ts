import {
  type AlarmEngine,
  combineReports,
  type EngineReport,
} from "../../shared/domain/alarms/alarmEngine.ts";
import type { StreamMessage } from "../commons/telemetryStream.ts";

/** Things evaluated at once, as the engine does within one batch. */
const CONCURRENCY = 8;

export interface ThingsOutcome {
  readonly report: EngineReport;
  /** The earliest record of each thing whose update failed, in stream order. */
  readonly failed: readonly StreamMessage[];
  readonly errors: readonly { readonly thingName: string; readonly error: unknown }[];
}

/**
 * A stream batch through the engine one thing at a time (each thing's records in stream order, so
 * in time order), so that one thing's failure (a ConcurrentUpdateError, a throttled table) fails
 * only that thing: its earliest record is named for Lambda to deliver again, while the other
 * things' updates stand (redelivered samples are recognised as duplicates or late, C4).
 */
export async function evaluateByThing(
  engine: AlarmEngine,
  batch: readonly StreamMessage[],
  options: { readonly deadline: number },
): Promise<ThingsOutcome> {
  const byThing = new Map<string, StreamMessage[]>();
  for (const item of batch) {
    const list = byThing.get(item.message.thingName);
    if (list) list.push(item);
    else byThing.set(item.message.thingName, [item]);
  }
  const reports: EngineReport[] = [];
  const failed: StreamMessage[] = [];
  const errors: { thingName: string; error: unknown }[] = [];
  const queue = [...byThing];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [thingName, items] = next;
      try {
        reports.push(
          await engine.evaluateTelemetry(
            items.map(({ message }) => message),
            options,
          ),
        );
      } catch (error) {
        failed.push(items[0] as StreamMessage);
        errors.push({ thingName, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  const order = new Map(batch.map((item, index) => [item, index]));
  failed.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { report: combineReports(reports), failed, errors };
}
