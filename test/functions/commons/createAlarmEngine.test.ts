import { describe, expect, it } from "vitest";
import { createAlarmEngine } from "../../../functions/commons/alarmEngine.ts";
import type { RuleSnapshotReader, StoredRule } from "../../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import {
  InMemoryAlarmStore,
  InMemoryDeviceRegistry,
  RecordingPublisher,
} from "../../support/inMemoryPorts.ts";
import { OVEN_OVERHEAT_RULE } from "../../support/operatorApi.ts";
import { manualClock } from "../../support/testClock.ts";
import { recordingReporting } from "../reportingPorts.ts";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const DEADLINE = { deadline: Number.MAX_SAFE_INTEGER };

/** Rules as the repository returns them; `fail` makes the next reads throw. */
function rulesReader(rules: readonly StoredRule[]) {
  const state = { fail: false, versionReads: 0 };
  const reader: RuleSnapshotReader = {
    version: async () => {
      state.versionReads++;
      if (state.fail) throw new Error("table throttled");
      return "v1";
    },
    list: async () => rules,
  };
  return { reader, state };
}

function hot(thingName: string, at: number) {
  return {
    thingName,
    receivedAt: at,
    payload: Buffer.from(JSON.stringify({ ts: at, metrics: { temperature: 262 } })),
  };
}

function setup(rules: readonly StoredRule[], limits = {}) {
  const clock = manualClock(NOW);
  const publisher = new RecordingPublisher();
  const reporting = recordingReporting(NOW);
  const { reader, state } = rulesReader(rules);
  const engine = createAlarmEngine({
    store: new InMemoryAlarmStore(),
    publisher,
    rules: { reader, refreshMs: 1_000 },
    registry: new InMemoryDeviceRegistry([{ thingName: "oven-3" }]),
    clock,
    limits,
    log: reporting.log,
  });
  return { engine, publisher, reporting, clock, state };
}

const VALID: StoredRule = { valid: true, id: OVEN_OVERHEAT_RULE.id, document: OVEN_OVERHEAT_RULE };
const INVALID: StoredRule = { valid: false, id: "broken", document: { id: "broken" }, problems: [] };

describe("createAlarmEngine", () => {
  it("evaluates telemetry against the stored rules and publishes the transition", async () => {
    const { engine, publisher } = setup([VALID]);

    const report = await engine.evaluateTelemetry([hot("oven-3", NOW)], DEADLINE);

    expect(report.transitions).toBe(1);
    expect(publisher.published.map((detail) => detail.alarmId)).toEqual(["oven-overheat:oven-3"]);
  });

  it("skips an invalid stored rule, logging it by id", async () => {
    const { engine, reporting } = setup([VALID, INVALID]);

    await engine.evaluateTelemetry([hot("oven-3", NOW)], DEADLINE);

    expect(reporting.lines).toEqual(["error stored rule broken is invalid; skipped"]);
  });

  it("checks the rules' version no more often than the refresh interval, on the clock it is given", async () => {
    const { engine, clock, state } = setup([VALID]);

    await engine.evaluateTelemetry([hot("oven-3", NOW)], DEADLINE);
    clock.advance(999);
    await engine.evaluateTelemetry([hot("oven-3", clock.now())], DEADLINE);
    expect(state.versionReads).toBe(1);

    clock.advance(1);
    await engine.evaluateTelemetry([hot("oven-3", clock.now())], DEADLINE);
    expect(state.versionReads).toBe(2);
  });

  it("keeps the previous rules when a refresh fails, and logs it", async () => {
    const { engine, clock, state, reporting, publisher } = setup([VALID]);
    await engine.evaluateTelemetry([hot("oven-3", NOW)], DEADLINE);

    state.fail = true;
    clock.advance(60_000);
    await engine.act("oven-overheat:oven-3", { action: "ACKNOWLEDGE", actor: { id: "ana" } }, DEADLINE);

    expect(reporting.lines).toEqual(["warn rules refresh failed; keeping the previous set: table throttled"]);
    expect(publisher.published.map((detail) => detail.state.value)).toEqual(["ACTIVE", "ACKNOWLEDGED"]);
  });

  it("applies the limits it is given over the defaults", async () => {
    const { engine } = setup([VALID], { maxSampleAgeMs: 60_000 });

    const report = await engine.evaluateTelemetry([hot("oven-3", NOW - 61_000)], DEADLINE);

    expect(report.transitions).toBe(0);
  });
});
