import { compileSchedule } from "../../contracts/alarmRules.ts";
import {
  DEFAULT_MACHINE_MODEL,
  DEFAULT_SHIFTS,
  type MachineModelEntry,
  type MachineModelFile,
} from "../../contracts/kpis.ts";
import { parseDuration } from "../../contracts/ruleDuration.ts";
import type { DeviceRecord } from "../../ports/deviceRegistry.ts";
import type { Schedule } from "../alarms/rule.ts";
import { compileThingGlobs } from "../thingGlob.ts";

/** One device's machine model, every default applied. */
export interface Machine {
  readonly running: { readonly metric: string; readonly threshold: number };
  readonly partsTotal: string;
  readonly partsGood: string | null;
  /** From the device attribute or the default; null when neither. */
  readonly idealCycleMs: number | null;
  /** Absent: always planned. */
  readonly planned?: readonly Schedule[];
  readonly gapAfterMs: number;
}

export interface Plant {
  readonly timeZone: string;
  readonly shifts: readonly string[];
  machineFor(device: DeviceRecord): Machine;
}

/**
 * The machine models of a (validated) file, or the built-in model for every device when none; the
 * plant's zone is the file's, else `timeZone` (the deployment's plant zone), else UTC.
 */
export function plantOf(file: MachineModelFile | undefined, timeZone = "UTC"): Plant {
  const entries = (file?.machines ?? []).map((entry) => ({
    entry,
    things: entry.match.things === undefined ? undefined : compileThingGlobs(entry.match.things),
  }));
  return {
    timeZone: file?.timeZone ?? timeZone,
    shifts: file?.shifts ?? DEFAULT_SHIFTS,
    machineFor(device) {
      const found = entries.find(
        ({ entry: { match }, things }) =>
          (things === undefined || things.test(device.thingName)) &&
          (match.site === undefined || match.site === device.site) &&
          (match.line === undefined || match.line === device.line) &&
          (match.model === undefined || match.model === device.model),
      );
      return resolve(device, found?.entry, file?.defaults);
    },
  };
}

type Fields = Omit<MachineModelEntry, "match">;

function resolve(device: DeviceRecord, entry: Fields | undefined, defaults: Fields | undefined): Machine {
  const pick = <K extends keyof Fields>(key: K): Fields[K] => entry?.[key] ?? defaults?.[key];
  const running = pick("running") ?? DEFAULT_MACHINE_MODEL.running;
  const parts = pick("parts") ?? DEFAULT_MACHINE_MODEL.parts;
  const ideal = pick("idealCycleSeconds") ?? DEFAULT_MACHINE_MODEL.idealCycleSeconds;
  const attribute = "attribute" in ideal ? ideal.attribute : undefined;
  const fromDevice = attribute === undefined ? undefined : Number(device.attributes?.[attribute]);
  const seconds =
    fromDevice !== undefined && Number.isFinite(fromDevice) && fromDevice > 0
      ? fromDevice
      : "default" in ideal
        ? ideal.default
        : undefined;
  const planned = pick("planned");
  return {
    running: { metric: running.metric, threshold: running.threshold ?? 0 },
    partsTotal: parts.total,
    partsGood: parts.good ?? null,
    idealCycleMs: seconds === undefined ? null : seconds * 1000,
    ...(planned === undefined ? {} : { planned: planned.map(compileSchedule) }),
    gapAfterMs: parseDuration(pick("gapAfter") ?? DEFAULT_MACHINE_MODEL.gapAfter) ?? 300_000,
  };
}
