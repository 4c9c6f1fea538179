import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DynamoDbRuleRepository } from "../shared/adapters/aws/dynamoDbRuleRepository.ts";
import type { AlarmRuleDocument } from "../shared/contracts/alarmRules.ts";
import { formatFileProblem, loadRuleFile } from "../shared/contracts/loadRuleFile.ts";
import type { DeviceRecordStore, RegistryEntry } from "../shared/ports/deviceRecords.ts";
import type { DeviceAction } from "../simulator/domain/deviceSimulation.ts";
import { createFleetSimulation } from "../simulator/domain/fleetSimulation.ts";
import { DEFAULT_MACHINE_PROFILE, type MachineProfile } from "../simulator/domain/machineProfile.ts";
import type { ScenarioName, ScenarioSettings } from "../simulator/domain/scenarios.ts";
import { DEFAULT_BACKOFF } from "../simulator/mqtt/backoff.ts";
import { type DeviceEndpoint, type DeviceEvent, MqttDevice } from "../simulator/mqtt/mqttDevice.ts";

export const DEMO_RULES_PATH = fileURLToPath(new URL("../examples/demo-rules.yaml", import.meta.url));

/**
 * The demo's pace: a reading a second and a four-minute scenario cycle, so one oven overheats within
 * a minute of the start and recovers within two, and another goes offline after that.
 */
export const DEMO_INTERVAL_MS = 1_000;
export const DEMO_SETTINGS: Partial<ScenarioSettings> = { cycleMs: 240_000 };
export const DEMO_SCENARIOS: readonly ScenarioName[] = ["overheat", "offline"];

/**
 * The default oven on a compressed clock, so a few minutes show what a shift would: a stop every
 * 1.2 minutes or so, mostly about 9 s, one in eight a breakdown of about 50 s (runs about 84 % of
 * the time); a part every 1.5 s at the rated speed, slow spells of a minute at 60 % about every five
 * (about 88 % of the rated speed overall), 3 % scrap, and the counters reset every five minutes.
 */
export const DEMO_MACHINE_PROFILE: MachineProfile = {
  ...DEFAULT_MACHINE_PROFILE,
  running: {
    ...DEFAULT_MACHINE_PROFILE.running,
    meanRunMinutes: 1.2,
    meanStopMinutes: 0.15,
    breakdowns: { share: 0.12, meanMinutes: 0.8 },
  },
  production: {
    ...DEFAULT_MACHINE_PROFILE.production,
    idealCycleSeconds: 1.5,
    slow: { meanEveryMinutes: 5, meanMinutes: 1, speed: 0.6 },
    scrapShare: 0.03,
    shiftChange: { everyMinutes: 5, offsetMinutes: 0 },
  },
};

/** `oven-1` ... `oven-n`, on two lines of plant-1, rated 250 °C and a part every 1.5 s. */
export function demoDevices(count: number): readonly RegistryEntry[] {
  return Array.from({ length: count }, (_, index) => ({
    thingName: `oven-${index + 1}`,
    site: "plant-1",
    line: index % 2 === 0 ? "line-1" : "line-2",
    model: "deck-oven",
    attributes: { maxTemp: 250, idealCycleSeconds: DEMO_MACHINE_PROFILE.production.idealCycleSeconds },
  }));
}

/** The demo rules file's documents; a broken file is a programming error and says where. */
export function demoRules(path = DEMO_RULES_PATH): readonly AlarmRuleDocument[] {
  const result = loadRuleFile(readFileSync(path, "utf8"), path);
  if (!result.ok)
    throw new Error(result.problems.map((problem) => formatFileProblem(problem, path)).join("\n"));
  return result.documents;
}

/**
 * Registers the demo devices (keeping their `lastSeen`) and applies the demo rules when no rule is
 * stored yet, so rules someone changed survive a restart. Returns how many rules were applied.
 */
export async function seedDemo(options: {
  readonly devices: readonly RegistryEntry[];
  readonly records: Pick<DeviceRecordStore, "put">;
  readonly rules: Pick<DynamoDbRuleRepository, "list" | "apply">;
  readonly rulesPath?: string;
}): Promise<number> {
  for (const device of options.devices) await options.records.put(device);
  if ((await options.rules.list()).length > 0) return 0;
  const documents = demoRules(options.rulesPath);
  await options.rules.apply({ put: documents, delete: [] });
  return documents.length;
}

export interface DemoFleet {
  stop(): Promise<void>;
}

export interface DemoFleetOptions {
  readonly endpoints: readonly DeviceEndpoint[];
  readonly scenarios: readonly ScenarioName[];
  readonly seed: number;
  readonly onEvent?: (event: DeviceEvent) => void;
}

/**
 * The simulator's devices and scenarios on the demo's pace, until stopped: the same MQTT clients as
 * `plantwatch simulate`, paced by the wall clock (the samples' `ts` are the tick times).
 */
export async function startDemoFleet(options: DemoFleetOptions): Promise<DemoFleet> {
  const devices = options.endpoints.map(
    (endpoint) =>
      new MqttDevice(endpoint, {
        backoff: DEFAULT_BACKOFF,
        connectTimeoutMs: 10_000,
        ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      }),
  );
  await Promise.all(devices.map((device) => device.start()));
  const startTime = Date.now();
  const simulations = createFleetSimulation({
    things: options.endpoints.map(({ thingName }) => ({ thingName })),
    scenarios: options.scenarios,
    seed: options.seed,
    startTime,
    intervalMs: DEMO_INTERVAL_MS,
    profile: DEMO_MACHINE_PROFILE,
    settings: DEMO_SETTINGS,
  });
  const members = simulations.map((simulation, index) => ({
    simulation,
    device: devices[index] as MqttDevice,
    queue: Promise.resolve(),
  }));
  let tick = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    if (stopped) return;
    for (const member of members) {
      const { actions } = member.simulation.step(tick);
      if (actions.length > 0) member.queue = member.queue.then(() => perform(member.device, actions));
    }
    tick++;
    timer = setTimeout(step, Math.max(0, startTime + tick * DEMO_INTERVAL_MS - Date.now()));
  };
  step();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(members.map((member) => member.queue));
      await Promise.all(devices.map((device) => device.stop(1_000)));
    },
  };
}

async function perform(device: MqttDevice, actions: readonly DeviceAction[]): Promise<void> {
  for (const action of actions) {
    if (action.type === "publish") device.publish(device.endpoint.topic, action.payload);
    else if (action.type === "disconnect") await device.goOffline(1_000);
    else device.goOnline();
  }
}
