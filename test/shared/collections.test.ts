import { describe, expect, it } from "vitest";
import { groupBy, memoizeByKey } from "../../shared/collections.ts";

describe("groupBy", () => {
  it("groups by key, keys in order of first appearance, items in input order", () => {
    const messages = [
      { thing: "press-2", n: 1 },
      { thing: "press-1", n: 2 },
      { thing: "press-2", n: 3 },
    ];

    const groups = groupBy(messages, (message) => message.thing);

    expect([...groups]).toEqual([
      ["press-2", [messages[0], messages[2]]],
      ["press-1", [messages[1]]],
    ]);
  });

  it("takes any iterable, e.g. the positions of an array", () => {
    const kinds = ["telemetry", "lifecycle", "telemetry"];

    expect([...groupBy(kinds.keys(), (position) => kinds[position])]).toEqual([
      ["telemetry", [0, 2]],
      ["lifecycle", [1]],
    ]);
  });

  it("gives an empty map for no items", () => {
    expect(groupBy([], () => "any").size).toBe(0);
  });
});

describe("memoizeByKey", () => {
  it("makes each key's value once and gives the same value after", () => {
    const made: string[] = [];
    const formatterFor = memoizeByKey((tz: string) => {
      made.push(tz);
      return { tz };
    });

    const first = formatterFor("Europe/Berlin");
    expect(formatterFor("Europe/Berlin")).toBe(first);
    formatterFor("UTC");
    expect(made).toEqual(["Europe/Berlin", "UTC"]);
  });

  it("keeps nothing when making throws, so the next call tries again", () => {
    let calls = 0;
    const parse = memoizeByKey((text: string) => {
      calls++;
      if (calls === 1) throw new Error("not yet");
      return text.length;
    });

    expect(() => parse("abc")).toThrow("not yet");
    expect(parse("abc")).toBe(3);
    expect(calls).toBe(2);
  });
});
