import { describe, expect, it } from "vitest";
import { thingChange } from "../../../provisioning/domain/thingChange.ts";

describe("thingChange", () => {
  it("is undefined when the thing already matches", () => {
    const thing = { thingName: "t", attributes: { site: "p1", line: "l1" } };

    expect(thingChange(thing, { ...thing })).toBeUndefined();
  });

  it("sets, changes and removes attributes (an empty value removes), with the way back", () => {
    const change = thingChange(
      { thingName: "t", attributes: { site: "p1", line: "l1", model: "X" } },
      { thingName: "t", attributes: { site: "p1", line: "l2", maxTemp: "250" } },
    );

    expect(change).toEqual({
      update: { attributes: { line: "l2", maxTemp: "250", model: "" } },
      revert: { attributes: { line: "l1", maxTemp: "", model: "X" } },
      described: [
        "attribute line: l1 → l2",
        "attribute maxTemp set to 250",
        "attribute model removed (was X)",
      ],
    });
  });

  it("sets a thing type and removes it again on revert", () => {
    const change = thingChange(
      { thingName: "t", attributes: {} },
      { thingName: "t", thingTypeName: "plantwatch-device", attributes: {} },
    );

    expect(change).toEqual({
      update: { attributes: {}, thingTypeName: "plantwatch-device" },
      revert: { attributes: {}, removeThingType: true },
      described: ["thing type (none) → plantwatch-device"],
    });
  });
});
