import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import { seededRandom } from "../simulator/domain/random.ts";
import {
  type AlarmResult,
  type AlarmServers,
  acceptedSince,
  alarmContainer,
  alarmEvents,
  alarmResult,
  compareEvents,
  compareTransitions,
  engineClock,
  freshTables,
  OVERHEAT_RULE,
  type RunTables,
  throttlingProxy,
} from "./alarmRig.ts";
import { type AsyncLambda, startAsyncLambda } from "./asyncLambda.ts";
import type { FaultOutcome } from "./faultTable.ts";
import type { FaultScale } from "./ingestFaults.ts";
import { runKilledAndRedelivered } from "./killedEvaluate.ts";

const SIZES = { quick: { things: 4, perThing: 40 }, full: { things: 12, perThing: 150 } } as const;
const SEED = 7;

/** The messages of every alarm fault, per thing in publishing order, and what a fault-free run makes of them. */
export interface AlarmWorkload {
  readonly things: readonly string[];
  readonly perThing: readonly (readonly TelemetryRuleEvent[])[];
  readonly truth: AlarmResult;
}

/** The sequential truth: one container, each message once, in order, nothing failing. */
export async function alarmWorkload(servers: AlarmServers, scale: FaultScale): Promise<AlarmWorkload> {
  const { things: count, perThing } = SIZES[scale];
  const things = Array.from({ length: count }, (_, index) => `press-${index + 1}`);
  const events = alarmEvents(things, perThing, SEED);
  const tables = await freshTables(servers.dynamo, things);
  const mark = servers.eventBridge.events().length;
  const container = alarmContainer(endpointsOf(servers, tables));
  for (const event of events.flat()) await container.evaluate(event);
  const truth = await alarmResult(servers.dynamo, tables, things, acceptedSince(servers.eventBridge, mark));
  return { things, perThing: events, truth };
}

function endpointsOf(servers: AlarmServers, tables: RunTables, dynamodb = servers.dynamo.endpoint) {
  return { dynamodb, eventBridge: servers.eventBridge.endpoint, tables };
}

/**
 * The workload of the first `count` things only, with their part of the truth: a fault that makes
 * every call slow (the SDK backs off throttling for half a second) runs on fewer messages.
 */
export function firstThings(workload: AlarmWorkload, count: number): AlarmWorkload {
  const things = workload.things.slice(0, count);
  const mine = (text: string) =>
    things.some(
      (thing) =>
        text.startsWith(`${OVERHEAT_RULE.id}:${thing} `) || text.startsWith(`${OVERHEAT_RULE.id}:${thing}|`),
    );
  return {
    things,
    perThing: workload.perThing.slice(0, count),
    truth: {
      transitions: workload.truth.transitions.filter(mine),
      events: new Map([...workload.truth.events].filter(([key]) => mine(key))),
    },
  };
}

const keyOf = (event: TelemetryRuleEvent) => `${event.thingName}@${event.receivedAt}`;

/** Runs `deliver` on fresh tables, then accounts for every message and compares with the truth. */
async function alarmFault(
  servers: AlarmServers,
  workload: AlarmWorkload,
  fault: string,
  run: (context: {
    readonly tables: RunTables;
    /** Marks a message evaluated (its invocation succeeded). */
    readonly evaluated: Set<string>;
  }) => Promise<{ readonly injected: string; readonly lambda?: AsyncLambda }>,
): Promise<FaultOutcome> {
  const tables = await freshTables(servers.dynamo, workload.things);
  const mark = servers.eventBridge.events().length;
  const evaluated = new Set<string>();
  const { injected, lambda } = await run({ tables, evaluated });
  const result = await alarmResult(
    servers.dynamo,
    tables,
    workload.things,
    acceptedSince(servers.eventBridge, mark),
  );
  const inQueue = new Set((lambda?.deadLetters() ?? []).map((event) => keyOf(event as TelemetryRuleEvent)));
  await lambda?.stop();
  const sent = workload.perThing.flat().map(keyOf);
  return {
    fault,
    injected,
    sent: sent.length,
    stored: sent.filter((key) => evaluated.has(key)).length,
    quarantined: {},
    deadLettered: inQueue.size,
    unaccounted: sent.filter((key) => !evaluated.has(key) && !inQueue.has(key)).length,
    transitions: compareTransitions(result, workload.truth),
    events: compareEvents(result, workload.truth),
  };
}

/** An evaluate container behind Lambda's asynchronous invocation (retries, DLQ, `dlq replay`). */
async function asyncEvaluate(
  container: ReturnType<typeof alarmContainer>,
  evaluated: Set<string>,
): Promise<AsyncLambda> {
  return startAsyncLambda({
    evaluate: async (event) => {
      await container.evaluate(event as TelemetryRuleEvent);
      evaluated.add(keyOf(event as TelemetryRuleEvent));
    },
  });
}

/** One evaluate container behind Lambda's asynchronous invocation, given every message in order. */
async function deliverInOrder(
  endpoints: ReturnType<typeof endpointsOf>,
  evaluated: Set<string>,
  events: readonly TelemetryRuleEvent[],
  before?: (index: number) => void,
) {
  const container = alarmContainer(endpoints);
  const lambda = await asyncEvaluate(container, evaluated);
  for (const [index, event] of events.entries()) {
    before?.(index);
    await lambda.invoke("evaluate", event);
  }
  return { container, lambda };
}

/** PutEvents entries failing (FailedEntryCount > 0): retried by the publisher, then re-sent by the sweep. */
export function eventBridgePartialFailures(servers: AlarmServers, workload: AlarmWorkload) {
  return alarmFault(
    servers,
    workload,
    "EventBridge partial batch failures (FailedEntryCount)",
    async (context) => {
      let active = true;
      let failing = 0;
      servers.eventBridge.failEntries("ThrottlingException", {
        times: 4,
        where: (detail) => {
          const text = JSON.stringify(detail);
          let sum = 0;
          for (let index = 0; index < text.length; index++) sum += text.charCodeAt(index);
          const hit = active && sum % 2 === 0;
          if (hit) failing++;
          return hit;
        },
      });
      const { container, lambda } = await deliverInOrder(
        endpointsOf(servers, context.tables),
        context.evaluated,
        workload.perThing.flat(),
      );
      active = false;
      await container.sweepLater();
      return {
        injected: `${failing} entries answered ThrottlingException (each up to 4 times); then one sweep`,
        lambda,
      };
    },
  );
}

/** EventBridge refusing every PutEvents for a third of the run: the outbox keeps them, the sweep sends them. */
export function eventBridgeOutage(servers: AlarmServers, workload: AlarmWorkload) {
  return alarmFault(
    servers,
    workload,
    "EventBridge full outage (outbox + sweep re-send)",
    async (context) => {
      let down = false;
      let refused = 0;
      servers.eventBridge.fail("internal", {
        times: Number.POSITIVE_INFINITY,
        where: () => {
          if (down) refused++;
          return down;
        },
      });
      const all = workload.perThing.flat();
      const { container, lambda } = await deliverInOrder(
        endpointsOf(servers, context.tables),
        context.evaluated,
        all,
        (index) => {
          down = index >= all.length / 3 && index < (2 * all.length) / 3;
        },
      );
      down = false;
      await container.sweepLater();
      return { injected: `${refused} PutEvents answered 500 during the outage; then one sweep`, lambda };
    },
  );
}

/**
 * Four warm containers; every message delivered twice at once to two of them (Lambda's at-least-once
 * delivery racing itself), and four things' messages in flight together: conditional writes on the
 * thing's document conflict and are retried.
 */
export function dynamoDbConflicts(servers: AlarmServers, workload: AlarmWorkload) {
  return alarmFault(
    servers,
    workload,
    "DynamoDB conditional conflicts, 4 containers racing duplicates",
    async (context) => {
      const random = seededRandom(SEED + 1);
      const before = servers.dynamo.operations.length;
      const containers = Array.from({ length: 4 }, () =>
        alarmContainer(endpointsOf(servers, context.tables), engineClock()),
      );
      const lambdas = await Promise.all(
        containers.map((container) => asyncEvaluate(container, context.evaluated)),
      );
      await Promise.all(
        workload.perThing.map(async (events) => {
          for (const event of events) {
            const first = Math.floor(random.next() * 4);
            const second = (first + 1 + Math.floor(random.next() * 3)) % 4;
            await Promise.all([
              lambdas[first]?.invoke("evaluate", event),
              lambdas[second]?.invoke("evaluate", event),
            ]);
          }
        }),
      );
      await containers[0]?.sweepLater();
      const failed = lambdas.reduce((sum, lambda) => sum + lambda.outcomes.failedAttempts, 0);
      const queued = lambdas.flatMap((lambda) => lambda.deadLetters());
      await Promise.all(lambdas.slice(1).map((lambda) => lambda.stop()));
      const writes = servers.dynamo.operations
        .slice(before)
        .filter((operation) => operation === "PutItem").length;
      return {
        injected: `${workload.perThing.flat().length * 2} deliveries over 4 containers, ${writes} conditional puts, ${failed} invocations retried, ${queued.length} dead-lettered`,
        ...(lambdas[0] ? { lambda: lambdas[0] } : {}),
      };
    },
  );
}

/** DynamoDB answering ProvisionedThroughputExceeded to a fifth of the requests: SDK retries, Lambda retries, DLQ, replay. */
export function dynamoDbThrottling(servers: AlarmServers, workload: AlarmWorkload) {
  return alarmFault(
    servers,
    workload,
    "DynamoDB throttling (ProvisionedThroughputExceeded)",
    async (context) => {
      const random = seededRandom(SEED + 2);
      const proxy = await throttlingProxy(servers.dynamo.endpoint, () => random.next() < 0.2);
      try {
        const { container, lambda } = await deliverInOrder(
          endpointsOf(servers, context.tables, proxy.endpoint),
          context.evaluated,
          workload.perThing.flat(),
        );
        const parked = lambda.outcomes.deadLettered;
        await lambda.replayUntilEmpty();
        await container.sweepLater();
        return {
          injected: `${proxy.throttled()} of ${proxy.requests()} DynamoDB requests throttled; ${lambda.outcomes.failedAttempts} invocations retried, ${parked} dead-lettered and replayed`,
          lambda,
        };
      } finally {
        await proxy.stop();
      }
    },
  );
}

/**
 * Every message delivered one to three times; things interleaved at random; some copies arrive
 * late, after the thing's next messages (a retry overtaken by newer telemetry).
 */
export function duplicatedAndReordered(servers: AlarmServers, workload: AlarmWorkload) {
  return alarmFault(servers, workload, "duplicated and reordered deliveries", async (context) => {
    const random = seededRandom(SEED + 3);
    const queues = workload.perThing.map((events) => {
      const deliveries: TelemetryRuleEvent[] = [];
      const late: { event: TelemetryRuleEvent; after: number }[] = [];
      for (const [index, event] of events.entries()) {
        const copies = 1 + Math.floor(random.next() * 3);
        deliveries.push(event);
        for (let copy = 1; copy < copies; copy++) {
          if (random.next() < 0.5) deliveries.push(event);
          else late.push({ event, after: index + 1 + Math.floor(random.next() * 3) });
        }
        for (const due of late.filter((entry) => entry.after === index)) deliveries.push(due.event);
      }
      for (const due of late.filter((entry) => entry.after >= events.length)) deliveries.push(due.event);
      return deliveries;
    });
    const total = queues.reduce((sum, queue) => sum + queue.length, 0);
    const container = alarmContainer(endpointsOf(servers, context.tables));
    const lambda = await asyncEvaluate(container, context.evaluated);
    while (queues.some((queue) => queue.length > 0)) {
      const open = queues.filter((queue) => queue.length > 0);
      const queue = open[Math.floor(random.next() * open.length)];
      const event = queue?.shift();
      if (event) await lambda.invoke("evaluate", event);
    }
    await container.sweepLater();
    return {
      injected: `${total} deliveries of ${workload.perThing.flat().length} messages, things interleaved at random, late copies`,
      lambda,
    };
  });
}

/** The evaluate process killed by SIGKILL at random points, the batch delivered again each time. */
export function processKilled(servers: AlarmServers, workload: AlarmWorkload, scale: FaultScale) {
  return alarmFault(
    servers,
    workload,
    "process killed mid-batch (SIGKILL), batch redelivered",
    async (context) => {
      const { kills } = await runKilledAndRedelivered(
        endpointsOf(servers, context.tables),
        workload.perThing.flat(),
        { kills: scale === "quick" ? 2 : 5, seed: SEED + 4 },
      );
      // The last, complete run evaluated every message.
      for (const event of workload.perThing.flat()) context.evaluated.add(keyOf(event));
      const container = alarmContainer(endpointsOf(servers, context.tables));
      await container.sweepLater();
      return {
        injected: `killed after ${kills.join(", ")} messages; each time the batch delivered again from its start`,
      };
    },
  );
}
