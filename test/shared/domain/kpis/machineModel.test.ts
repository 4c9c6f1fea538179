import { describe, expect, it } from "vitest";
import { machineModelFileSchema } from "../../../../shared/contracts/kpis.ts";
import { plantOf } from "../../../../shared/domain/kpis/machineModel.ts";

describe("plantOf", () => {
  it("fits the simulator's names when there is no file", () => {
    const plant = plantOf(undefined);
    expect(plant).toMatchObject({ timeZone: "UTC", shifts: ["06:00", "14:00", "22:00"] });
    expect(plant.machineFor({ thingName: "sim-1", attributes: { idealCycleSeconds: 12 } })).toEqual({
      running: { metric: "running", threshold: 0 },
      partsTotal: "parts_total",
      partsGood: "parts_good",
      idealCycleMs: 12_000,
      gapAfterMs: 300_000,
    });
    expect(plant.machineFor({ thingName: "sim-2" }).idealCycleMs).toBeNull();
  });

  it("takes the first matching machine entry, then the defaults, field by field", () => {
    const file = machineModelFileSchema().parse({
      version: 1,
      defaults: { gapAfter: "2m", idealCycleSeconds: { attribute: "cycle", default: 40 } },
      machines: [
        {
          match: { things: ["oven-*"] },
          running: { metric: "burner_pct", threshold: 5 },
          parts: { total: "trays" },
        },
        { match: { line: "line-2" }, gapAfter: "30s" },
      ],
    });
    const plant = plantOf(file);
    expect(plant.machineFor({ thingName: "oven-3", line: "line-2" })).toMatchObject({
      running: { metric: "burner_pct", threshold: 5 },
      partsTotal: "trays",
      partsGood: null,
      idealCycleMs: 40_000,
      gapAfterMs: 120_000,
    });
    expect(
      plant.machineFor({ thingName: "press-1", line: "line-2", attributes: { cycle: "8" } }),
    ).toMatchObject({
      running: { metric: "running" },
      idealCycleMs: 8_000,
      gapAfterMs: 30_000,
    });
  });

  it("refuses shift starts off the quarter hour and unknown zones, with paths", () => {
    const result = machineModelFileSchema().safeParse({
      version: 1,
      timeZone: "Mars/Olympus",
      shifts: ["06:10"],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["timeZone", "shifts.0"]);
  });
});
