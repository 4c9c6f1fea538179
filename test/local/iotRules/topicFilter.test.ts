import { describe, expect, it } from "vitest";
import { basicIngestTarget, topicFilterProblem, topicMatches } from "../../../local/iotRules/topicFilter.ts";

describe("topicMatches", () => {
  it.each([
    { filter: "a/b", topic: "a/b", matches: true },
    { filter: "a/b", topic: "a/c", matches: false },
    { filter: "a/b", topic: "A/b", matches: false },
    { filter: "a/+", topic: "a/b", matches: true },
    { filter: "a/+", topic: "a/b/c", matches: false },
    { filter: "a/+", topic: "a", matches: false },
    { filter: "a/+", topic: "a/", matches: true },
    { filter: "+/+", topic: "/b", matches: true },
    { filter: "a/+/c", topic: "a/x/c", matches: true },
    { filter: "a/#", topic: "a", matches: true },
    { filter: "a/#", topic: "a/b/c/d", matches: true },
    { filter: "a/#", topic: "ab/c", matches: false },
    { filter: "#", topic: "anything/at/all", matches: true },
    { filter: "dt/plantwatch/+/telemetry", topic: "dt/plantwatch/oven-3/telemetry", matches: true },
    { filter: "dt/plantwatch/+/telemetry", topic: "dt/plantwatch/oven/3/telemetry", matches: false },
    // MQTT 3.1.1, 4.7.2: filters starting with a wildcard do not match topics starting with "$".
    { filter: "#", topic: "$aws/events/presence/connected/oven-3", matches: false },
    { filter: "+/events/presence/+/+", topic: "$aws/events/presence/connected/oven-3", matches: false },
    { filter: "$aws/events/presence/+/+", topic: "$aws/events/presence/connected/oven-3", matches: true },
    { filter: "$aws/events/presence/+/+", topic: "$aws/events/presence/connected", matches: false },
    { filter: "$aws/events/#", topic: "$aws/events/subscriptions/subscribed/x", matches: true },
    { filter: "a/+", topic: "a/+", matches: false },
    { filter: "#", topic: "", matches: false },
  ])("$filter matches $topic: $matches", ({ filter, topic, matches }) => {
    expect(topicMatches(filter, topic)).toBe(matches);
  });
});

describe("topicFilterProblem", () => {
  it.each(["a/b", "a/+/c", "#", "+", "a/#", "$aws/events/presence/+/+", "a//b"])("accepts %s", (filter) => {
    expect(topicFilterProblem(filter)).toBeUndefined();
  });

  it.each(["", "a/#/b", "a/b#", "a+/b", "$aws/rules/telemetry/#"])("rejects %s", (filter) => {
    expect(topicFilterProblem(filter)).toEqual(expect.any(String));
  });
});

describe("basicIngestTarget", () => {
  // https://docs.aws.amazon.com/iot/latest/developerguide/iot-basic-ingest.html
  it.each([
    {
      topic: "$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights",
      target: { ruleName: "BuildingManager", topic: "Buildings/Building5/Floor2/Room201/Lights" },
    },
    {
      topic: "$aws/rules/plantwatch_telemetry/dt/plantwatch/oven-3/telemetry",
      target: { ruleName: "plantwatch_telemetry", topic: "dt/plantwatch/oven-3/telemetry" },
    },
    { topic: "$aws/rules/plantwatch_telemetry", target: undefined },
    { topic: "$aws/rules/plantwatch_telemetry/", target: undefined },
    { topic: "$aws/rules//dt/x", target: undefined },
    { topic: "$aws/events/presence/connected/oven-3", target: undefined },
    { topic: "dt/plantwatch/oven-3/telemetry", target: undefined },
  ])("reads $topic", ({ topic, target }) => {
    expect(basicIngestTarget(topic)).toStrictEqual(target);
  });
});
