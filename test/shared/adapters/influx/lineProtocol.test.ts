import { describe, expect, it } from "vitest";
import {
  escapeKey,
  escapeMeasurement,
  quoteString,
  toLine,
} from "../../../../shared/adapters/influx/lineProtocol.ts";
import type { SeriesPoint } from "../../../../shared/ports/seriesStore.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");

function point(fields: Partial<SeriesPoint>): SeriesPoint {
  return {
    thingName: "oven-1",
    time: T0,
    version: T0,
    metrics: { temperature: 1 },
    ref: { messageIndex: 0, sampleIndex: 0 },
    ...fields,
  };
}

describe("line protocol", () => {
  it("escapes comma and space in a measurement, not the equals sign", () => {
    expect(escapeMeasurement("a b,c=d")).toBe("a\\ b\\,c=d");
  });

  it("escapes comma, equals sign and space in tag keys, tag values and field keys", () => {
    expect(escapeKey('a b,c=d"e')).toBe('a\\ b\\,c\\=d"e');
  });

  it("quotes a string field and escapes its double quotes and backslashes only", () => {
    expect(quoteString('say "hi" \\ a,b=c d')).toBe('"say \\"hi\\" \\\\ a,b=c d"');
  });

  it("writes tags in key order, numbers without the integer suffix, booleans and strings", () => {
    expect(
      toLine(
        point({ site: "plant a", line: "l,2", metrics: { count: 3, ratio: 0.5, on: true, mode: "AUTO" } }),
      ),
    ).toEqual({
      line: `telemetry,device=oven-1,line=l\\,2,site=plant\\ a count=3,ratio=0.5,on=true,mode="AUTO" ${T0}`,
    });
  });

  it("leaves out an absent or empty site and line", () => {
    expect(toLine(point({ site: "", metrics: { off: false } }))).toEqual({
      line: `telemetry,device=oven-1 off=false ${T0}`,
    });
  });

  it.each([
    ["a string with a line feed", { metrics: { note: "a\nb" } }, /line break/],
    ["a string with a carriage return", { metrics: { note: "a\rb" } }, /line break/],
    ["a site with a line feed", { site: "a\nb" }, /tag site .*line break/],
    ["a line with a backslash", { line: "a\\" }, /tag line .*backslash/],
    ["an empty thing name", { thingName: "" }, /thing name/],
    [
      "an infinite number",
      { metrics: { temperature: Number.POSITIVE_INFINITY } },
      /Infinity is not a finite number/,
    ],
    ["no metrics", { metrics: {} }, /at least one metric/],
    ["a fractional time", { time: T0 + 0.5 }, /not an integer/],
  ])("refuses %s with a reason", (_, fields, reason) => {
    const written = toLine(point(fields));

    expect(written).toEqual({ problem: expect.stringMatching(reason) });
  });
});
