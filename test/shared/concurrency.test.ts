import { describe, expect, it } from "vitest";
import { eachUntilFailure, settleEach } from "../../shared/concurrency.ts";

/** Tasks that finish only when the test says so, recording which have started. */
function controlledTasks() {
  const started: string[] = [];
  const finishers = new Map<string, { resolve: () => void; reject: (error: unknown) => void }>();
  const task = (item: string) => {
    started.push(item);
    return new Promise<string>((resolve, reject) => {
      finishers.set(item, { resolve: () => resolve(`done ${item}`), reject });
    });
  };
  return {
    started,
    task,
    finish: (item: string) => finishers.get(item)?.resolve(),
    fail: (item: string, error: unknown) => finishers.get(item)?.reject(error),
  };
}

/** Lets every promise reaction that is ready run (no timer, no wall clock). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("settleEach", () => {
  it("runs at most `concurrency` tasks at once, started in item order", async () => {
    const { started, task, finish } = controlledTasks();
    const all = settleEach(["a", "b", "c", "d"], 2, task);

    await settled();
    expect(started).toEqual(["a", "b"]);
    finish("b");
    await settled();
    expect(started).toEqual(["a", "b", "c"]);
    finish("a");
    finish("c");
    await settled();
    expect(started).toEqual(["a", "b", "c", "d"]);
    finish("d");

    await expect(all).resolves.toEqual(
      ["a", "b", "c", "d"].map((item) => ({ status: "fulfilled", value: `done ${item}` })),
    );
  });

  it("goes on after a failure and settles only once every task has, outcomes in item order", async () => {
    const { started, task, finish, fail } = controlledTasks();
    let done = false;
    const all = settleEach(["a", "b", "c"], 2, task).finally(() => {
      done = true;
    });

    await settled();
    fail("a", new Error("throttled"));
    await settled();
    expect(started).toEqual(["a", "b", "c"]);
    finish("c");
    await settled();
    expect(done).toBe(false);
    finish("b");

    await expect(all).resolves.toEqual([
      { status: "rejected", reason: new Error("throttled") },
      { status: "fulfilled", value: "done b" },
      { status: "fulfilled", value: "done c" },
    ]);
  });
});

describe("eachUntilFailure", () => {
  it("starts no task after a failure, and rejects with it only once none is in flight", async () => {
    const { started, task, fail } = controlledTasks();
    let outcome: unknown;
    const all = eachUntilFailure(["a", "b", "c", "d"], 2, async (item) => {
      await task(item);
    }).catch((error: unknown) => {
      outcome = error;
    });

    await settled();
    fail("a", new Error("access denied"));
    await settled();
    expect(started).toEqual(["a", "b"]);
    expect(outcome).toBeUndefined();
    fail("b", new Error("a later failure"));
    await all;

    expect(started).toEqual(["a", "b"]);
    expect(outcome).toEqual(new Error("access denied"));
  });

  it("runs every task when none fails, at most `concurrency` at once", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await eachUntilFailure([1, 2, 3, 4, 5], 3, async (item) => {
      running++;
      most = Math.max(most, running);
      await settled();
      seen.push(item);
      running--;
    });

    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(3);
  });
});
