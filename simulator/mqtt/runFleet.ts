import type { DeviceAction } from "../domain/deviceSimulation.ts";
import { createFleetSimulation } from "../domain/fleetSimulation.ts";
import type { ScenarioName } from "../domain/scenarios.ts";
import { type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff.ts";
import { type DeviceEndpoint, type DeviceEvent, type DeviceStats, MqttDevice } from "./mqttDevice.ts";
import type { SimulationTimer } from "./timer.ts";

export interface FleetRunOptions {
  readonly devices: readonly DeviceEndpoint[];
  readonly scenarios: readonly ScenarioName[];
  readonly seed: number;
  readonly intervalMs: number;
  /** Ticks to run; undefined runs until `signal` aborts. */
  readonly ticks?: number;
  readonly timer: SimulationTimer;
  /** Stops the run after the current tick (Ctrl-C); what was sent is still drained and counted. */
  readonly signal?: AbortSignal;
  /** How long to wait, at the end, for outstanding acknowledgements (real time). */
  readonly drainTimeoutMs: number;
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly onEvent?: (event: DeviceEvent) => void;
}

export interface DeviceSummary extends DeviceStats {
  readonly scenarios: readonly ScenarioName[];
}

export interface FleetSummary {
  readonly seed: number;
  readonly scenarios: readonly ScenarioName[];
  /** Simulated time of tick 0: with the seed, it reproduces every message. */
  readonly startTime: number;
  readonly intervalMs: number;
  readonly ticks: number;
  readonly interrupted: boolean;
  readonly devices: readonly DeviceSummary[];
  readonly totals: { readonly sent: number; readonly acknowledged: number; readonly failed: number };
}

/** Grace for a clean DISCONNECT once a device's messages are acknowledged. */
const DISCONNECT_GRACE_MS = 2_000;

/**
 * Runs a simulated fleet against a broker: one MQTT client per device, the scenario's messages
 * tick by tick (ticks paced by `timer`, message timestamps from it too), then waits for the
 * acknowledgements and disconnects. Never throws for a device's failure: it is in the summary.
 */
export async function runFleet(options: FleetRunOptions): Promise<FleetSummary> {
  const devices = options.devices.map(
    (endpoint) =>
      new MqttDevice(endpoint, {
        backoff: options.backoff ?? DEFAULT_BACKOFF,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      }),
  );
  await Promise.all(devices.map((device) => device.start()));

  const startTime = options.timer.now();
  const simulations = createFleetSimulation({
    things: options.devices.map(({ thingName, threshold }) =>
      threshold === undefined ? { thingName } : { thingName, threshold },
    ),
    scenarios: options.scenarios,
    seed: options.seed,
    startTime,
    intervalMs: options.intervalMs,
    ...(options.ticks === undefined ? {} : { totalTicks: options.ticks }),
  });
  const members = simulations.map((simulation, index) => {
    const device = devices[index];
    if (device === undefined) throw new Error(`no device for ${simulation.thingName}`);
    // Each device works through its actions in order; a slow disconnect holds up only its own device.
    return { simulation, device, queue: Promise.resolve() };
  });
  let tick = 0;
  for (; options.ticks === undefined || tick < options.ticks; tick++) {
    await options.timer.sleepUntil(startTime + tick * options.intervalMs, options.signal);
    if (options.signal?.aborted) break;
    for (const member of members) {
      const { actions } = member.simulation.step(tick);
      if (actions.length > 0) member.queue = member.queue.then(() => perform(member.device, actions));
    }
  }
  await Promise.all(members.map((member) => member.queue));
  await drain(devices, options.drainTimeoutMs);
  await Promise.all(devices.map((device) => device.stop(DISCONNECT_GRACE_MS)));

  const summaries = members.map(({ device, simulation }) => ({
    ...device.stats(),
    scenarios: simulation.scenarios,
  }));
  const total = (key: "sent" | "acknowledged" | "failed") =>
    summaries.reduce((sum, summary) => sum + summary[key], 0);
  return {
    seed: options.seed,
    scenarios: options.scenarios,
    startTime,
    intervalMs: options.intervalMs,
    ticks: tick,
    interrupted: options.signal?.aborted ?? false,
    devices: summaries,
    totals: { sent: total("sent"), acknowledged: total("acknowledged"), failed: total("failed") },
  };
}

async function perform(device: MqttDevice, actions: readonly DeviceAction[]): Promise<void> {
  for (const action of actions) {
    if (action.type === "publish") device.publish(device.endpoint.topic, action.payload);
    else if (action.type === "disconnect") await device.goOffline(DISCONNECT_GRACE_MS);
    else device.goOnline();
  }
}

async function drain(devices: readonly MqttDevice[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(devices.map((device) => device.idle())),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
