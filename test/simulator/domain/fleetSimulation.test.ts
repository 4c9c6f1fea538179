import { describe, expect, it } from "vitest";
import { parseTelemetry } from "../../../shared/domain/ingest/parseTelemetry.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../shared/domain/ingest/types.ts";
import { BAD_PAYLOADS } from "../../../simulator/domain/badPayloads.ts";
import type { DeviceAction, DeviceStep } from "../../../simulator/domain/deviceSimulation.ts";
import {
  createFleetSimulation,
  type FleetSimulationOptions,
} from "../../../simulator/domain/fleetSimulation.ts";
import { SCENARIO_NAMES, type ScenarioName } from "../../../simulator/domain/scenarios.ts";

const START = Date.parse("2026-11-25T12:00:00.000Z");

type Publish = Extract<DeviceAction, { type: "publish" }>;

interface Run {
  readonly scenarios: readonly (readonly ScenarioName[])[];
  /** Steps per device, in device order. */
  readonly steps: readonly (readonly DeviceStep[])[];
}

function simulate(ticks: number, options: Partial<FleetSimulationOptions> & { devices?: number } = {}): Run {
  const things =
    options.things ??
    Array.from({ length: options.devices ?? 1 }, (_, index) => ({ thingName: `sim-00${index + 1}` }));
  const fleet = createFleetSimulation({
    scenarios: ["normal"],
    seed: 42,
    startTime: START,
    intervalMs: 1_000,
    totalTicks: ticks,
    ...options,
    things,
  });
  return {
    scenarios: fleet.map((device) => device.scenarios),
    steps: fleet.map((device) => Array.from({ length: ticks }, (_, tick) => device.step(tick))),
  };
}

const publishes = (steps: readonly DeviceStep[], kind?: Publish["kind"]) =>
  steps.flatMap((step) =>
    step.actions.flatMap((action) =>
      action.type === "publish" && (kind === undefined || action.kind === kind) ? [{ step, action }] : [],
    ),
  );

const json = (payload: Uint8Array) => JSON.parse(new TextDecoder().decode(payload));

const parse = (payload: Uint8Array, time: number) =>
  parseTelemetry({ thingName: "sim-001", receivedAt: time, payload }, DEFAULT_TELEMETRY_LIMITS, time);

/** Temperatures of a device's readings, with their timestamps. */
const temperatures = (steps: readonly DeviceStep[]) =>
  publishes(steps, "reading").map(({ action }) => {
    const { ts, metrics } = json(action.payload);
    return { ts: ts as number, value: metrics.temperature as number };
  });

/** Times a series goes from at-or-below to above `level`. */
const upwardCrossings = (values: readonly number[], level: number) =>
  values.filter((value, index) => index > 0 && value > level && (values[index - 1] as number) <= level)
    .length;

describe("createFleetSimulation", () => {
  it("gives the same messages for the same seed, byte for byte, and others for another seed", () => {
    const options = { devices: 4, scenarios: SCENARIO_NAMES };

    const first = simulate(60, options);
    const again = simulate(60, options);
    const other = simulate(60, { ...options, seed: 43 });

    expect(again).toEqual(first);
    expect(other.steps).not.toEqual(first.steps);
  });

  it("gives each single-device scenario its own machine, in turn, and fleet-wide ones to all", () => {
    const run = simulate(1, {
      devices: 3,
      scenarios: ["duplicates", "burst", "overheat", "offline", "late"],
    });

    expect(run.scenarios).toEqual([
      ["overheat", "burst", "duplicates"],
      ["offline", "burst"],
      ["burst", "late"],
    ]);
  });

  it("keeps a machine's readings the same whichever scenarios other machines play", () => {
    const alone = simulate(60, { devices: 2, scenarios: ["normal"] });
    const beside = simulate(60, { devices: 2, scenarios: ["normal", "overheat"] });

    expect(beside.steps[1]).toEqual(alone.steps[1]);
    expect(beside.steps[0]).not.toEqual(alone.steps[0]);
  });

  describe("normal", () => {
    it("publishes one valid C2 reading per tick with every metric, in sequence, far from the threshold", () => {
      const run = simulate(600, { devices: 3 });

      for (const steps of run.steps) {
        const readings = publishes(steps);
        expect(readings).toHaveLength(600);
        readings.forEach(({ step, action }, index) => {
          const parsed = parse(action.payload, step.time);
          expect(parsed.quarantined).toEqual([]);
          expect(parsed.samples).toHaveLength(1);
          expect(parsed.samples[0]?.sample).toMatchObject({ time: START + index * 1_000, seq: index });
          expect(Object.keys(parsed.samples[0]?.sample.metrics ?? {}).sort()).toEqual(
            [
              "current",
              "mode",
              "oil_pressure",
              "parts_good",
              "parts_total",
              "running",
              "temperature",
              "vibration_rms",
            ].sort(),
          );
        });
        const values = temperatures(steps).map(({ value }) => value);
        expect(Math.min(...values)).toBeGreaterThan(170);
        expect(Math.max(...values)).toBeLessThan(235);
      }
    });

    it("stops about hourly, runs most of a week, and resets its parts counters at each shift change", () => {
      const ticks = 7 * 24 * 360;
      const steps = simulate(ticks, { intervalMs: 10_000 }).steps[0] ?? [];

      const readings = publishes(steps).map(({ action }) => json(action.payload));
      const running = readings.filter(({ metrics }) => metrics.running).length / readings.length;
      const stops = readings.filter(
        ({ metrics }, index) => index > 0 && !metrics.running && readings[index - 1]?.metrics.running,
      ).length;
      const resetHours = readings.flatMap(({ ts, metrics }, index) =>
        index > 0 && metrics.parts_total < readings[index - 1]?.metrics.parts_total
          ? [new Date(ts).getUTCHours()]
          : [],
      );

      // A stop every 58 minutes on average (about 174 a week), running 86 % of the time.
      expect(stops).toBeGreaterThan(120);
      expect(stops).toBeLessThan(230);
      expect(running).toBeGreaterThan(0.75);
      expect(running).toBeLessThan(0.94);
      expect(resetHours).toEqual(Array.from({ length: 21 }, (_, index) => [14, 22, 6][index % 3]));
      expect(readings.every(({ metrics }) => metrics.parts_good <= metrics.parts_total)).toBe(true);
    });
  });

  describe("overheat", () => {
    it("climbs over 250, holds there longer than the example rule's 60 s, and falls back below its clear level", () => {
      const readings = temperatures(simulate(300, { scenarios: ["overheat"] }).steps[0] ?? []);
      const values = readings.map(({ value }) => value);

      const firstOver = values.findIndex((value) => value > 250);
      const lastOver = values.findLastIndex((value) => value > 250);
      expect(firstOver).toBeGreaterThan(0);
      expect(values.slice(firstOver, lastOver + 1).every((value) => value > 250)).toBe(true);
      expect((readings[lastOver]?.ts ?? 0) - (readings[firstOver]?.ts ?? 0)).toBeGreaterThan(60_000);
      expect(values.slice(0, 20).every((value) => value < 240)).toBe(true);
      expect(values.slice(lastOver + 1).some((value) => value < 240)).toBe(true);
      expect(values.slice(-60).every((value) => value < 240)).toBe(true);
    });

    it("crosses the device's own threshold", () => {
      const run = simulate(100, {
        things: [{ thingName: "kiln-1", threshold: 320 }],
        scenarios: ["overheat"],
      });

      const values = temperatures(run.steps[0] ?? []).map(({ value }) => value);

      expect(upwardCrossings(values, 320)).toBe(1);
      expect(values.at(-1)).toBeLessThan(320);
    });

    it("plays once per cycle: twice in a run of two five-minute cycles", () => {
      const values = temperatures(simulate(600, { scenarios: ["overheat"] }).steps[0] ?? []).map(
        ({ value }) => value,
      );

      expect(upwardCrossings(values, 250)).toBe(2);
    });
  });

  describe("flapping", () => {
    it("crosses the threshold again and again", () => {
      const values = temperatures(simulate(60, { scenarios: ["flapping"] }).steps[0] ?? []).map(
        ({ value }) => value,
      );

      expect(upwardCrossings(values, 250)).toBeGreaterThanOrEqual(14);
      expect(values.every((value) => Math.abs(value - 250) <= 12.5 && value !== 250)).toBe(true);
    });
  });

  describe("offline", () => {
    it("disconnects, publishes nothing for a quarter of the cycle, then reconnects and goes on", () => {
      const steps = simulate(40, { scenarios: ["offline"] }).steps[0] ?? [];

      const kinds = steps.map((step) => step.actions.map((action) => action.type).join(","));

      expect(kinds.slice(0, 24).every((kind) => kind === "publish")).toBe(true);
      expect(kinds[24]).toBe("disconnect");
      expect(kinds.slice(25, 34).every((kind) => kind === "")).toBe(true);
      expect(kinds[34]).toBe("connect,publish");
      expect(kinds.slice(35).every((kind) => kind === "publish")).toBe(true);
      // The readings taken while offline are lost: a gap in seq.
      const seqs = publishes(steps).map(({ action }) => json(action.payload).seq);
      expect(seqs[24]).toBe(34);
    });
  });

  describe("burst", () => {
    it("publishes valid batches of ten samples spread over the interval", () => {
      const steps = simulate(20, { devices: 2, scenarios: ["burst"] }).steps.flat();

      const batches = publishes(steps);
      expect(batches).toHaveLength(40);
      for (const { step, action } of batches) {
        expect(action.kind).toBe("batch");
        const parsed = parse(action.payload, step.time);
        expect(parsed.quarantined).toEqual([]);
        const times = parsed.samples.map(({ sample }) => sample.time);
        expect(times).toHaveLength(10);
        expect(times.at(-1)).toBe(step.time);
        expect(times.every((time, index) => index === 0 || time - (times[index - 1] as number) === 100)).toBe(
          true,
        );
      }
    });
  });

  describe("late", () => {
    it("also sends readings stamped ten minutes back, older than what the device sent before, and valid", () => {
      const steps = simulate(30, { scenarios: ["late"] }).steps[0] ?? [];

      const late = publishes(steps, "late");
      expect(late).toHaveLength(6);
      for (const { step, action } of late) {
        const previous = publishes(steps.slice(0, step.tick), "reading").map(
          ({ action }) => json(action.payload).ts,
        );
        expect(json(action.payload).ts).toBeLessThan(Math.min(...previous));
        const parsed = parse(action.payload, step.time);
        expect(parsed.quarantined).toEqual([]);
        expect(parsed.samples[0]?.sample.time).toBe(step.time - 600_000);
        expect(parsed.samples[0]?.sample.seq).toBeUndefined();
      }
    });
  });

  describe("duplicates", () => {
    it("re-sends an earlier reading byte for byte", () => {
      const steps = simulate(30, { scenarios: ["duplicates"] }).steps[0] ?? [];

      const readings = publishes(steps, "reading").map(({ action }) => action.payload);
      const duplicates = publishes(steps, "duplicate");
      expect(duplicates).toHaveLength(6);
      for (const { step, action } of duplicates) {
        expect(action.payload).toEqual(readings[step.tick - 1]);
        expect(json(action.payload).ts).toBeLessThan(step.time);
      }
    });
  });

  describe("bad-payloads", () => {
    it("sends each C2 violation in turn, each quarantined by parseTelemetry with its reasons", () => {
      const ticks = 2 * BAD_PAYLOADS.length;
      const steps = simulate(ticks, { scenarios: ["bad-payloads"] }).steps[0] ?? [];

      const bad = publishes(steps, "bad");
      expect(bad.map(({ action }) => action.badPayload?.name)).toEqual(
        [...BAD_PAYLOADS, ...BAD_PAYLOADS].map(({ name }) => name),
      );
      for (const { step, action } of bad) {
        const parsed = parse(action.payload, step.time);
        expect(parsed.quarantined.map((entry) => entry.reason)).toEqual(action.badPayload?.reasons);
        expect(parsed.samples).toHaveLength(action.badPayload?.storedSamples ?? -1);
      }
      // The device's own readings stay valid beside them.
      for (const { step, action } of publishes(steps, "reading")) {
        expect(parse(action.payload, step.time).quarantined).toEqual([]);
      }
    });
  });

  it("plays overheat and offline on one machine without overlap", () => {
    const steps = simulate(100, { scenarios: ["overheat", "offline"] }).steps[0] ?? [];

    const values = temperatures(steps).map(({ value }) => value);
    const types = steps.flatMap((step) => step.actions.map((action) => action.type));

    expect(upwardCrossings(values, 250)).toBe(1);
    expect(types.filter((type) => type === "disconnect")).toHaveLength(1);
    expect(types.filter((type) => type === "connect")).toHaveLength(1);
  });
});
