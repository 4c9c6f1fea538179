import { describe, expect, it } from "vitest";
import { CachedSilences, SILENCES_CACHE_MS } from "../../../functions/notify/cachedSilences.ts";
import type { Silence } from "../../../shared/domain/silences/silence.ts";
import { manualClock } from "../../support/testClock.ts";

const SILENCE: Silence = {
  id: "ovens",
  match: { things: ["oven-*"] },
  startsAt: 0,
  endsAt: 1,
  createdBy: "ana",
  createdAt: 0,
};

function store(answers: (readonly Silence[] | Error)[]) {
  let reads = 0;
  return {
    reads: () => reads,
    list: async () => {
      const answer = answers[reads++] ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe("CachedSilences", () => {
  it("reads once per 15 s, sharing one read between concurrent callers", async () => {
    const clock = manualClock(0);
    const source = store([[SILENCE], []]);
    const cached = new CachedSilences(source, clock);

    const [first, second] = await Promise.all([cached.list(), cached.list()]);
    clock.set(SILENCES_CACHE_MS - 1);
    const third = await cached.list();
    expect([first, second, third]).toEqual([[SILENCE], [SILENCE], [SILENCE]]);
    expect(source.reads()).toBe(1);

    clock.set(SILENCES_CACHE_MS);
    expect(await cached.list()).toEqual([]);
    expect(source.reads()).toBe(2);
  });

  it("does not keep a failed read", async () => {
    const source = store([new Error("throttled"), [SILENCE]]);
    const cached = new CachedSilences(source, manualClock(0));
    await expect(cached.list()).rejects.toThrow("throttled");
    expect(await cached.list()).toEqual([SILENCE]);
    expect(source.reads()).toBe(2);
  });
});
