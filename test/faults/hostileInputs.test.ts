import { beforeAll, describe, expect, it } from "vitest";
import { type HostileInputsRow, runHostileInputs } from "../../faults/hostileInputs.ts";

const RUNS = 200;
/** Fixed, so a failure names an input that fails again; change it to explore other inputs. */
const SEED = 20261125;

/**
 * The least share of inputs each surface must refuse. The generators aim at hostile inputs, but
 * some come out valid: a mutation can swap a value for another valid one.
 * - telemetry: almost every input breaks the payload, the event or the topic; a few stay valid.
 * - operator API: one routed request in five is deliberately left whole, so that hostile parts of the
 *   others are judged by the code behind the checks they pass, and some broken parts are harmless
 *   (a trailing slash, a header the API ignores, a body on a GET); about two thirds are refused.
 * - rule loader: every input breaks one to three nodes of valid rules, or the YAML itself.
 */
const MIN_REFUSED_SHARE: Readonly<Record<string, number>> = {
  "telemetry parser": 0.9,
  "operator API": 0.5,
  "rule loader": 0.9,
};

/** Distinct reasons a run must show, so that refusing everything one way cannot pass. */
const MIN_REASONS: Readonly<Record<string, number>> = {
  "telemetry parser": 6,
  "operator API": 4,
  "rule loader": 10,
};

// A synchronous hang (a backtracking RegExp, say) blocks the run itself: this file then times out
// instead of reporting a crash, which fails it all the same.
describe("runHostileInputs", () => {
  let rows: HostileInputsRow[] = [];

  beforeAll(async () => {
    rows = await runHostileInputs({ runs: RUNS, seed: SEED });
  });

  it("answers one row per surface", () => {
    expect(rows.map((row) => row.surface)).toEqual(["telemetry parser", "operator API", "rule loader"]);
  });

  it.each(Object.keys(MIN_REFUSED_SHARE))(
    "%s: never crashes, and refuses each input with a reason or accepts it",
    (surface) => {
      const row = rows.find((candidate) => candidate.surface === surface) as HostileInputsRow;

      expect(row.firstCrash).toBeUndefined();
      expect(row.crashes).toBe(0);
      expect(row.inputs).toBeGreaterThanOrEqual(RUNS);
      expect(row.refused + row.accepted).toBe(row.inputs);
      expect(row.refused).toBeGreaterThanOrEqual(row.inputs * (MIN_REFUSED_SHARE[surface] as number));
      expect(row.reasons.length).toBeGreaterThanOrEqual(MIN_REASONS[surface] as number);
    },
  );

  it("reaches the operator API's stores with the requests it leaves valid", () => {
    const api = rows.find((row) => row.surface === "operator API") as HostileInputsRow;

    expect(api.accepted).toBeGreaterThanOrEqual(20);
    expect(api.reasons).toEqual(
      expect.arrayContaining(["invalid_request:path", "invalid_request:query", "invalid_request:body"]),
    );
  });
});
