import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTopicRule } from "../../../local/iotRules/compileTopicRule.ts";
import { LocalRulesEngine } from "../../../local/iotRules/localRulesEngine.ts";
import { telemetryRuleSql } from "../../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";

const topic = telemetryTopic();
const rule = compileTopicRule({ name: "plantwatch_telemetry", sql: telemetryRuleSql(topic) });
const engine = new LocalRulesEngine([rule]);

const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.jsonValue().map((value) => new TextEncoder().encode(JSON.stringify(value))),
  fc.string({ unit: "grapheme", maxLength: 200 }).map((text) => new TextEncoder().encode(text)),
);
const thingNames = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,20}$/);

describe("the telemetry rule on arbitrary payloads", () => {
  it("always hands ingest the exact bytes, base64, with the thing name from the topic", () => {
    fc.assert(
      fc.property(payloads, thingNames, fc.boolean(), (payload, thingName, basicIngest) => {
        const topicName = basicIngest
          ? topic.basicIngestTopicFor("plantwatch_telemetry", thingName)
          : topic.topicFor(thingName);

        const routed = engine.route({ topic: topicName, payload, clientId: thingName, receivedAt: 1 });

        expect(routed).toStrictEqual([
          {
            ruleName: "plantwatch_telemetry",
            output: {
              payload: Buffer.from(payload).toString("base64"),
              thingName,
              receivedAt: 1,
              clientId: thingName,
            },
          },
        ]);
      }),
    );
  });
});
