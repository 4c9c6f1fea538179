import { describe, expect, it } from "vitest";
import { runFleet } from "../../provisioning/fleetRun.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("runFleet", () => {
  it("never has more than `concurrency` items under way and keeps the input order", async () => {
    let active = 0;
    let most = 0;
    const items = Array.from({ length: 17 }, (_, index) => index);

    const run = await runFleet(items, { concurrency: 4, label: String }, async (item) => {
      active++;
      most = Math.max(most, active);
      for (let wait = 0; wait < (item % 3) + 1; wait++) await tick();
      active--;
      return item * 10;
    });

    expect(most).toBe(4);
    expect(run.results).toEqual(items.map((item) => item * 10));
    expect(run.notStarted).toEqual([]);
  });

  it("starts no more items once stopped and lets those under way finish", async () => {
    const controller = new AbortController();
    const finished: number[] = [];

    const run = await runFleet(
      [1, 2, 3, 4, 5, 6],
      { concurrency: 2, signal: controller.signal, label: String },
      async (item) => {
        if (item === 2) controller.abort();
        await tick();
        finished.push(item);
        return item;
      },
    );

    expect(finished.sort()).toEqual([1, 2]);
    expect(run.results).toEqual([1, 2, undefined, undefined, undefined, undefined]);
    expect(run.notStarted).toEqual([3, 4, 5, 6]);
  });

  it("reports each finished item to the progress, and stops it at the end", async () => {
    const told: string[] = [];
    const progress = { advance: (label: string) => told.push(label), stop: () => told.push("stopped") };

    await runFleet(
      ["a", "b"],
      { concurrency: 1, progress, label: (result) => `${result}: done` },
      async (item) => item,
    );

    expect(told).toEqual(["a: done", "b: done", "stopped"]);
  });

  it("stops the progress when an item's work throws", async () => {
    const told: string[] = [];
    const progress = { advance: (label: string) => told.push(label), stop: () => told.push("stopped") };

    await expect(
      runFleet(["a"], { concurrency: 1, progress, label: String }, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(told).toEqual(["stopped"]);
  });
});
