import { describe, expect, it } from "vitest";
import { formatCsvProblem, parseFleetCsv } from "../../../provisioning/domain/fleetCsv.ts";

const problemsOf = (text: string, options = {}) => {
  const parsed = parseFleetCsv(text, options);
  return parsed.ok ? [] : parsed.problems.map((problem) => formatCsvProblem(problem, "fleet.csv"));
};

describe("parseFleetCsv", () => {
  it("reads match fields and further attribute columns, leaving empty cells out", () => {
    const parsed = parseFleetCsv(
      '\uFEFFthingName,site,line,model,maxTemp\n oven-1 ,plant-1,,X100,250\n\n"oven-2",plant-1,line-2,,\n',
    );

    expect(parsed).toEqual({
      ok: true,
      devices: [
        { thingName: "oven-1", site: "plant-1", model: "X100", attributes: { maxTemp: "250" } },
        { thingName: "oven-2", site: "plant-1", line: "line-2", attributes: {} },
      ],
    });
  });

  it("accepts the columns in any order", () => {
    const parsed = parseFleetCsv("model,line,site,thingName\nX1,l1,s1,t1\n");

    expect(parsed).toEqual({
      ok: true,
      devices: [{ thingName: "t1", site: "s1", line: "l1", model: "X1", attributes: {} }],
    });
  });

  it("reports every problem at once with its line and column", () => {
    expect(
      problemsOf("thingName,site,line,model,site2,x y\noven 3,p,l,m,a b,\noven-4,p,l,m,ok,\noven-4,p,l,m\n"),
    ).toEqual([
      'fleet.csv:1:6 x y: "x y" is not a valid attribute name (a letter, then up to 127 of letters, digits, "_", "." and "-")',
      'fleet.csv:2:1 thingName: "oven 3" is not a valid thing name (1-128 of letters, digits, ":", "_" and "-")',
      'fleet.csv:2:5 site2: "a b" may contain only letters, digits and _ . , @ / : # = [ ] - (no spaces)',
      "fleet.csv:4: 4 field(s), but the header has 6",
    ]);
  });

  it("reports a duplicated thing name with the line it first appeared on", () => {
    expect(problemsOf("thingName,site,line,model\na,p,l,m\nb,p,l,m\na,p,l,m\n")).toEqual([
      'fleet.csv:4:1 thingName: "a" appears again (first on line 2)',
    ]);
  });

  it("stops at the header when required columns are missing or doubled", () => {
    expect(problemsOf("thingName,site,site\na,b,c\n")).toEqual([
      'fleet.csv:1: missing the required column "line"',
      'fleet.csv:1: missing the required column "model"',
      'fleet.csv:1:3 site: column "site" appears twice',
    ]);
  });

  it("refuses an empty file, a header alone and broken quoting", () => {
    expect(problemsOf("")).toEqual([
      "fleet.csv:1: empty file: expected the header thingName,site,line,model",
    ]);
    expect(problemsOf("thingName,site,line,model\n")).toEqual([
      "fleet.csv:1: no devices: the file has only a header",
    ]);
    expect(problemsOf('thingName,site,line,model\n"a,p,l,m\n')[0]).toMatch(
      /^fleet\.csv:\d+: not valid CSV: /,
    );
  });

  it("refuses values longer than IoT's 800 characters", () => {
    expect(problemsOf(`thingName,site,line,model\na,${"x".repeat(801)},l,m\n`)).toEqual([
      "fleet.csv:2:2 site: is 801 characters long; IoT allows at most 800",
    ]);
  });

  it("counts attributes against the thing type's limit of 50", () => {
    const columns = Array.from({ length: 48 }, (_, index) => `a${index}`);
    const text = `thingName,site,line,model,${columns.join(",")}\nt,s,l,m,${columns.map(() => "1").join(",")}\n`;

    expect(problemsOf(text, { thingTypeName: "plantwatch-device" })).toEqual([
      "fleet.csv:2: 51 attributes; a thing of a thing type has at most 50",
    ]);
    expect(problemsOf(text)).toEqual([]);
  });

  it("needs only the thingName column for names", () => {
    expect(parseFleetCsv("thingName,whatever\na,x y\nb,\n", { namesOnly: true })).toEqual({
      ok: true,
      devices: [
        { thingName: "a", attributes: {} },
        { thingName: "b", attributes: {} },
      ],
    });
  });
});
