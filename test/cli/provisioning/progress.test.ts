import { describe, expect, it } from "vitest";
import { createProgress } from "../../../cli/provisioning/progress.ts";

describe("createProgress", () => {
  it("writes one numbered line per finished device where there is no terminal", () => {
    const lines: string[] = [];
    const progress = createProgress({ title: "t", total: 2, line: (text) => lines.push(text) });

    progress.advance("oven-1: created");
    progress.advance("oven-2: unchanged");
    progress.stop();

    expect(lines).toEqual(["[1/2] oven-1: created\n", "[2/2] oven-2: unchanged\n"]);
  });

  it("shows nothing for a single device", () => {
    const lines: string[] = [];
    const progress = createProgress({ title: "t", total: 1, line: (text) => lines.push(text) });

    progress.advance("oven-1: created");
    progress.stop();

    expect(lines).toEqual([]);
  });
});
