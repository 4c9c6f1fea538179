import { describe, expect, it } from "vitest";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";

describe("telemetryTopic", () => {
  it("places the thing name after the default root", () => {
    const topic = telemetryTopic();

    expect(topic.filter).toBe("dt/plantwatch/+/telemetry");
    expect(topic.thingNamePosition).toBe(3);
    expect(topic.topicFor("oven-3")).toBe("dt/plantwatch/oven-3/telemetry");
    expect(topic.basicIngestTopicFor("plantwatch_dev_telemetry", "oven-3")).toBe(
      "$aws/rules/plantwatch_dev_telemetry/dt/plantwatch/oven-3/telemetry",
    );
  });

  it("moves the thing-name position with a deeper root", () => {
    const topic = telemetryTopic("acme/dt/plantwatch");

    expect(topic.thingNamePosition).toBe(4);
    expect(topic.topicFor("x")).toBe("acme/dt/plantwatch/x/telemetry");
  });

  it("finds the thing name in broker and Basic Ingest topics, and nothing elsewhere", () => {
    const topic = telemetryTopic();

    expect(topic.thingNameOf("dt/plantwatch/oven-3/telemetry")).toBe("oven-3");
    expect(topic.thingNameOf("$aws/rules/r_1/dt/plantwatch/oven-3/telemetry")).toBe("oven-3");
    expect(topic.thingNameOf("dt/plantwatch/a/b/telemetry")).toBeUndefined();
    expect(topic.thingNameOf("dt/other/oven-3/telemetry")).toBeUndefined();
    expect(topic.thingNameOf("dt/plantwatch/oven-3/commands")).toBeUndefined();
  });

  it.each(["", "dt/+", "dt/#", "$aws/x", "dt//x", "a/b/c/d/e/f", "dt/plant watch"])(
    "refuses the root %j",
    (root) => {
      expect(() => telemetryTopic(root)).toThrow(/topic root/);
    },
  );
});
