import { describe, expect, it } from "vitest";
import { TtlCache } from "../../shared/ttlCache.ts";
import { manualClock } from "../support/testClock.ts";

function counter() {
  const loads: string[] = [];
  return {
    loads,
    load: (key: string, value: string | undefined) => () => {
      loads.push(key);
      return Promise.resolve(value);
    },
  };
}

describe("TtlCache", () => {
  it("serves a loaded value for ttlMs, then loads it again", async () => {
    const clock = manualClock(1_000);
    const cache = new TtlCache<string, string | undefined>({ ttlMs: 500, clock });
    const { loads, load } = counter();

    await expect(cache.get("press-1", load("press-1", "v1"))).resolves.toBe("v1");
    clock.set(1_499);
    await expect(cache.get("press-1", load("press-1", "v2"))).resolves.toBe("v1");
    clock.set(1_500);
    await expect(cache.get("press-1", load("press-1", "v3"))).resolves.toBe("v3");

    expect(loads).toEqual(["press-1", "press-1"]);
  });

  it("keeps an undefined answer (an absence) like any other", async () => {
    const cache = new TtlCache<string, string | undefined>({ ttlMs: 500, clock: manualClock(0) });
    const { loads, load } = counter();

    await cache.get("ghost", load("ghost", undefined));
    await expect(cache.get("ghost", load("ghost", "late"))).resolves.toBeUndefined();

    expect(loads).toEqual(["ghost"]);
  });

  it("shares one load among concurrent callers of a key", async () => {
    const cache = new TtlCache<string, string>({ ttlMs: 500, clock: manualClock(0) });
    let loads = 0;
    let finish: (value: string) => void = () => undefined;
    const load = () => {
      loads++;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    };

    const both = Promise.all([cache.get("a", load), cache.get("a", load)]);
    finish("shared");

    await expect(both).resolves.toEqual(["shared", "shared"]);
    expect(loads).toBe(1);
  });

  it("drops a failed load at once: the next call loads again", async () => {
    const cache = new TtlCache<string, string>({ ttlMs: 500, clock: manualClock(0) });

    await expect(cache.get("a", () => Promise.reject(new Error("throttled")))).rejects.toThrow("throttled");
    await expect(cache.get("a", () => Promise.resolve("second"))).resolves.toBe("second");
  });

  it("evicts the oldest load when full, and forgets a deleted key", async () => {
    const cache = new TtlCache<string, string | undefined>({
      ttlMs: 500,
      clock: manualClock(0),
      maxEntries: 2,
    });
    const { loads, load } = counter();

    await cache.get("a", load("a", "a"));
    await cache.get("b", load("b", "b"));
    await cache.get("c", load("c", "c"));
    await cache.get("b", load("b", "b"));
    await cache.get("a", load("a", "a"));
    cache.delete("a");
    await cache.get("a", load("a", "a"));

    expect(loads).toEqual(["a", "b", "c", "a", "a"]);
  });
});
