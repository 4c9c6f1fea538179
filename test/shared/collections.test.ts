import { describe, expect, it } from "vitest";
import { groupBy } from "../../shared/collections.ts";

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
