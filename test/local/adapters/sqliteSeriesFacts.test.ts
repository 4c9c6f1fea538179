import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteSeriesStore } from "../../../local/adapters/sqliteSeriesStore.ts";
import {
  SCENARIO_THING,
  scenarioCounterRequest,
  scenarioPoints,
  scenarioRunRequest,
  scenarioSegments,
  scenarioSlots,
  T0,
} from "../../support/seriesFactsScenario.ts";

const M = 60_000;

describe("SqliteSeriesStore as SeriesFacts", () => {
  let store: SqliteSeriesStore;

  beforeEach(async () => {
    store = new SqliteSeriesStore({ path: ":memory:" });
    const result = await store.write(scenarioPoints(), { deadline: Number.POSITIVE_INFINITY });
    expect(result.rejected).toEqual([]);
  });
  afterEach(() => {
    store.close();
  });

  it("merges the running signal into segments and leaves silences longer than the gap out", async () => {
    expect(await store.runSegments(scenarioRunRequest)).toEqual(scenarioSegments);
  });

  it("ends the last sample's state at the horizon only when that is within the gap", async () => {
    const later = await store.runSegments({ ...scenarioRunRequest, horizon: T0 + 25 * M });
    expect(later.at(-1)).toEqual({ start: T0 + 16 * M, end: T0 + 17 * M, running: false });
  });

  it("treats a numeric signal as running above the threshold", async () => {
    const segments = await store.runSegments({ ...scenarioRunRequest, metric: "parts_total", threshold: 50 });
    // parts_total is above 50 from -1 to 2 min, then below; the silence after 3 min is unknown, and
    // the sample at 16 min holds to the horizon (19 min).
    expect(segments).toEqual([
      { start: T0 - M, end: T0 + 2 * M, running: true },
      { start: T0 + 2 * M, end: T0 + 3 * M, running: false },
      { start: T0 + 15 * M, end: T0 + 19 * M, running: false },
    ]);
  });

  it("sums a counter's increases per slot, counting a reset's new value and nothing over a silence", async () => {
    expect(await store.counterIncreases(scenarioCounterRequest)).toEqual(scenarioSlots);
  });

  it("answers nothing for a counter or thing without samples", async () => {
    expect(await store.counterIncreases({ ...scenarioCounterRequest, metric: "parts_good" })).toEqual([]);
    expect(await store.runSegments({ ...scenarioRunRequest, thingName: `${SCENARIO_THING}x` })).toEqual([]);
  });
});
