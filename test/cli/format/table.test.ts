import { describe, expect, it } from "vitest";
import { outputStyle } from "../../../cli/format/table.ts";
import { recordingIo } from "../../support/cliHarness.ts";

describe("outputStyle", () => {
  const terminal = recordingIo({ interactive: true }).io;
  const pipe = recordingIo({ interactive: false }).io;

  it("colours only on a terminal, and not with NO_COLOR or a dumb terminal", () => {
    expect(outputStyle(terminal, {})).toEqual({ colour: true });
    expect(outputStyle(pipe, {})).toEqual({ colour: false });
    expect(outputStyle(terminal, { NO_COLOR: "1" })).toEqual({ colour: false });
    expect(outputStyle(terminal, { TERM: "dumb" })).toEqual({ colour: false });
  });
});
