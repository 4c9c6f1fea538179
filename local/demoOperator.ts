import type { AlarmEngine } from "../shared/domain/alarms/alarmEngine.ts";
import { alarmIdOf } from "../shared/domain/alarms/alarmState.ts";
import { ActionNotAllowedError } from "../shared/errors.ts";
import type { AlarmStore } from "../shared/ports/alarmStore.ts";
import type { Clock } from "../shared/ports/clock.ts";

/** Who the demo's acknowledgements are recorded as. */
export const DEMO_OPERATOR = "demo-operator";
/** Long enough to try the dashboard's acknowledge first, short enough to beat the overheat's clearing. */
const DEMO_OPERATOR_RESPONSE_MS = 45_000;
const CHECK_EVERY_MS = 5_000;

export interface DemoOperatorOptions {
  readonly alarms: Pick<AlarmStore, "scan">;
  readonly engine: Pick<AlarmEngine, "act">;
  readonly clock: Clock;
  /** How long after an alarm became ACTIVE the simulated operator acknowledges it. */
  readonly responseMs?: number;
}

/**
 * The demo's operator: acknowledges each alarm still ACTIVE `responseMs` after it was raised, as a
 * person on shift would, so that a few minutes of `npm start` show alarm response times (MTTA) in
 * the KPIs. Goes through the engine like any operator action (history, C5 event, actor).
 * Returns the alarms it acknowledged.
 */
export async function acknowledgeDueAlarms(options: DemoOperatorOptions): Promise<string[]> {
  const responseMs = options.responseMs ?? DEMO_OPERATOR_RESPONSE_MS;
  const due: string[] = [];
  const now = options.clock.now();
  for await (const thing of options.alarms.scan()) {
    for (const instance of Object.values(thing.alarms)) {
      const raised = instance.activeSince ?? instance.since;
      if (instance.state === "ACTIVE" && now - raised >= responseMs) {
        due.push(alarmIdOf(instance.ruleId, thing.thingName));
      }
    }
  }
  const acknowledged: string[] = [];
  for (const alarmId of due) {
    try {
      await options.engine.act(
        alarmId,
        { action: "ACKNOWLEDGE", actor: { id: DEMO_OPERATOR, note: "the demo's simulated operator" } },
        { deadline: now + CHECK_EVERY_MS },
      );
      acknowledged.push(alarmId);
    } catch (error) {
      // It cleared, or someone acknowledged it, since the scan: nothing left to do.
      if (!(error instanceof ActionNotAllowedError)) throw error;
    }
  }
  return acknowledged;
}

/** Runs `acknowledgeDueAlarms` every 5 s until stopped. */
export function startDemoOperator(
  options: DemoOperatorOptions & { readonly onProblem: (message: string, error: unknown) => void },
): { stop(): Promise<void> } {
  // One pass at a time, as the sweep: a slow pass is not overlapped, and stop waits for it.
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= acknowledgeDueAlarms(options)
      .catch((error: unknown) => options.onProblem("the demo operator could not acknowledge", error))
      .finally(() => {
        running = undefined;
      });
  }, CHECK_EVERY_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
