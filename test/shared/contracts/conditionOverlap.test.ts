import { describe, expect, it } from "vitest";
import { overlap } from "../../../shared/contracts/conditionOverlap.ts";
import type { Condition } from "../../../shared/domain/alarms/rule.ts";

describe("overlap", () => {
  it.each<[string, Condition, Condition, number | undefined]>([
    ["a clear band below the raise threshold", { op: ">", value: 250 }, { op: "<", value: 240 }, undefined],
    ["a clear that starts where raising stops", { op: ">", value: 250 }, { op: "<=", value: 250 }, undefined],
    ["two closed bounds that touch", { op: ">=", value: 250 }, { op: "<=", value: 250 }, 250],
    ["a clear that reaches into the raise range", { op: ">", value: 250 }, { op: "<", value: 260 }, 255],
    ["a clear above a raise that is below", { op: "<", value: 10 }, { op: ">", value: 5 }, 7.5],
    ["a clear in the same direction", { op: ">", value: 250 }, { op: ">", value: 300 }, 301],
    ["equality and its negation", { op: "==", value: 1 }, { op: "!=", value: 1 }, undefined],
    ["inequality and a clear on another value", { op: "!=", value: 1 }, { op: "==", value: 2 }, 2],
    [
      "outside a band, cleared inside a narrower one",
      { op: "outside", low: 10, high: 20 },
      { op: "inside", low: 11, high: 19 },
      undefined,
    ],
    [
      "outside a band, cleared inside a wider one",
      { op: "outside", low: 10, high: 20 },
      { op: "inside", low: 5, high: 25 },
      7.5,
    ],
    [
      "inside a band, cleared above it",
      { op: "inside", low: 10, high: 20 },
      { op: ">", value: 20 },
      undefined,
    ],
    [
      "a threshold from an attribute",
      { op: ">", value: { attribute: "max", default: 1 } },
      { op: "<", value: 5 },
      undefined,
    ],
    ["strings", { op: "==", value: "MANUAL" }, { op: "==", value: "MANUAL" }, undefined],
  ])("%s: %j and %j give %j", (_name, condition, clear, expected) => {
    expect(overlap(condition, clear)).toBe(expected);
  });
});
