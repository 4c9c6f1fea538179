// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's ${...} (Fn::Sub) is the subject of these tests
import { describe, expect, it } from "vitest";
import { validateRuleDocuments } from "../../../../../shared/contracts/ruleProblems.ts";
import type { Severity } from "../../../../../shared/domain/alarms/rule.ts";
import { migrateIotEvents } from "../../../../../shared/domain/migration/iotEvents/migrateIotEvents.ts";
import type {
  AlarmMigration,
  MigrationOptions,
} from "../../../../../shared/domain/migration/iotEvents/migration.ts";

const AT = "Resources.Alarm.Properties";

/** An alarm model as the AWS docs' examples write one: temperature above 250 per thing, acknowledged. */
const OVEN = {
  AlarmModelName: "OvenOverheat",
  Severity: 1,
  Key: "$input.TelemetryInput.thingName",
  AlarmRule: {
    SimpleRule: {
      InputProperty: "$input.TelemetryInput.sensorData.temperature",
      ComparisonOperator: "GREATER",
      Threshold: "250",
    },
  },
  AlarmCapabilities: { AcknowledgeFlow: { Enabled: true } },
};

function template(properties: object, others: Record<string, object> = {}) {
  return { Resources: { Alarm: { Type: "AWS::IoTEvents::AlarmModel", Properties: properties }, ...others } };
}

function simpleRule(changes: object) {
  return { ...OVEN, AlarmRule: { SimpleRule: { ...OVEN.AlarmRule.SimpleRule, ...changes } } };
}

function migrate(value: unknown, options: Partial<MigrationOptions> = {}) {
  return migrateIotEvents([{ file: "alarms.json", value }], {
    metricMap: new Map(),
    severityMap: new Map(),
    ...options,
  });
}

function only(value: unknown, options: Partial<MigrationOptions> = {}): AlarmMigration {
  const [alarm, ...more] = migrate(value, options).alarms;
  expect(more).toEqual([]);
  if (alarm === undefined) throw new Error("no alarm model found");
  return alarm;
}

const texts = (notes: readonly { path: string; text: string }[]) =>
  notes.map((note) => `${note.path}: ${note.text}`);

describe("migrateIotEvents", () => {
  describe("a simple rule", () => {
    it("becomes a threshold rule the rules validator accepts, and the migration is whole", () => {
      const migration = migrate(template(OVEN));

      expect(migration.alarms[0]?.rule).toEqual({
        id: "oven-overheat",
        name: "OvenOverheat",
        severity: "critical",
        kind: "threshold",
        metric: "temperature",
        condition: { op: ">", value: 250 },
        latch: true,
      });
      expect(migration.alarms[0]?.status).toBe("whole");
      expect(migration.whole).toBe(true);
      expect(validateRuleDocuments(migration.alarms.map((alarm) => alarm.rule)).ok).toBe(true);
    });

    it.each([
      ["GREATER", ">"],
      ["GREATER_OR_EQUAL", ">="],
      ["LESS", "<"],
      ["LESS_OR_EQUAL", "<="],
      ["EQUAL", "=="],
      ["NOT_EQUAL", "!="],
    ])("maps %s to %s", (operator, op) => {
      const alarm = only(template(simpleRule({ ComparisonOperator: operator })));

      expect(alarm.rule).toMatchObject({ condition: { op, value: 250 } });
      expect(texts(alarm.decisions)).toContain(
        `${AT}.AlarmRule.SimpleRule.ComparisonOperator: ${operator} → "${op}": raises on the first sample that breaches and clears on the first that does not, as IoT Events did`,
      );
    });

    it("takes the metric from the input property's last segment, or from --metric-map", () => {
      const plain = only(template(OVEN));
      const mapped = only(template(OVEN), {
        metricMap: new Map([["TelemetryInput.sensorData.temperature", "oven_temp"]]),
      });

      expect(plain.rule).toMatchObject({ metric: "temperature" });
      expect(mapped.rule).toMatchObject({ metric: "oven_temp" });
      expect(texts(mapped.decisions).join("\n")).toContain(
        "metric oven_temp: --metric-map for $input.TelemetryInput.sensorData.temperature",
      );
    });

    it("reads back-quoted segments", () => {
      const alarm = only(template(simpleRule({ InputProperty: "$input.`Telemetry`.`oven temp`.celsius" })));

      expect(alarm.rule).toMatchObject({ metric: "celsius" });
    });

    it("turns a threshold that is another input property into a device attribute that never raises unset", () => {
      const above = only(template(simpleRule({ Threshold: "$input.TelemetryInput.sensorData.maxTemp" })));
      const below = only(
        template(
          simpleRule({ ComparisonOperator: "LESS", Threshold: "$input.TelemetryInput.sensorData.minTemp" }),
        ),
      );

      expect(above.rule).toMatchObject({
        condition: { op: ">", value: { attribute: "maxTemp", default: Number.MAX_SAFE_INTEGER } },
      });
      expect(below.rule).toMatchObject({
        condition: { op: "<", value: { attribute: "minTemp", default: -Number.MAX_SAFE_INTEGER } },
      });
      expect(texts(above.todo)).toContain(
        `${AT}.AlarmRule.SimpleRule.Threshold: IoT Events took the threshold from each message (sensorData.maxTemp); plantwatch takes it from the device registry: set it per device with \`plantwatch provision <thing> --attr maxTemp=<value>\``,
      );
      expect(above.status).toBe("whole");
    });

    it("compares quoted strings and booleans for equality", () => {
      const text = only(template(simpleRule({ ComparisonOperator: "EQUAL", Threshold: "'FAULT'" })));
      const flag = only(template(simpleRule({ ComparisonOperator: "NOT_EQUAL", Threshold: "true" })));

      expect(text.rule).toMatchObject({ condition: { op: "==", value: "FAULT" } });
      expect(flag.rule).toMatchObject({ condition: { op: "!=", value: true } });
    });
  });

  describe("severity", () => {
    it.each([
      [0, "critical"],
      [1, "critical"],
      [2, "major"],
      [3, "minor"],
      [4, "warning"],
      [5, "info"],
      [2_147_483_647, "info"],
    ])("maps %i to %s by the default table", (level, severity) => {
      expect(only(template({ ...OVEN, Severity: level })).rule).toMatchObject({ severity });
    });

    it("follows --severity-map over the table", () => {
      const alarm = only(template({ ...OVEN, Severity: 3 }), {
        severityMap: new Map<number, Severity>([[3, "critical"]]),
      });

      expect(alarm.rule).toMatchObject({ severity: "critical" });
      expect(texts(alarm.decisions)).toContain(`${AT}.Severity: Severity 3 → critical (--severity-map)`);
    });

    it("is major when absent, and says so", () => {
      const { Severity: _, ...withoutSeverity } = OVEN;
      const alarm = only(template(withoutSeverity));

      expect(alarm.rule).toMatchObject({ severity: "major" });
      expect(texts(alarm.decisions)).toContain(`${AT}: no Severity: major`);
    });

    it("makes the alarm partial when only a deployment knows it", () => {
      const alarm = only(template({ ...OVEN, Severity: { Ref: "AlarmSeverity" } }));

      expect(alarm.status).toBe("partial");
      expect(texts(alarm.leftOut)[0]).toMatch(
        /^Resources\.Alarm\.Properties\.Severity: Severity {"Ref":"AlarmSeverity"}/,
      );
    });
  });

  describe("capabilities", () => {
    it.each([
      [true, true],
      ["true", true],
      [false, false],
    ])("maps AcknowledgeFlow.Enabled %s to latch %s", (enabled, latch) => {
      const alarm = only(template({ ...OVEN, AlarmCapabilities: { AcknowledgeFlow: { Enabled: enabled } } }));

      expect(alarm.rule).toMatchObject({ latch });
      expect(alarm.status).toBe("whole");
    });

    it("does not latch when the source does not say, and says so", () => {
      const { AlarmCapabilities: _, ...plain } = OVEN;
      const alarm = only(template(plain));

      expect(alarm.rule).toMatchObject({ latch: false });
      expect(texts(alarm.decisions).join("\n")).toContain(
        "no AcknowledgeFlow.Enabled in the source → latch: false",
      );
    });

    it("reports DisabledOnInitialization as not carried over: the rule is written, the migration is not whole", () => {
      const migration = migrate(
        template({
          ...OVEN,
          AlarmCapabilities: { InitializationConfiguration: { DisabledOnInitialization: true } },
        }),
      );

      expect(migration.alarms[0]?.status).toBe("partial");
      expect(migration.alarms[0]?.rule).toBeDefined();
      expect(texts(migration.alarms[0]?.leftOut ?? [])[0]).toMatch(
        /^Resources\.Alarm\.Properties\.AlarmCapabilities\.InitializationConfiguration\.DisabledOnInitialization: DisabledOnInitialization: plantwatch rules have no initial DISABLED state/,
      );
      expect(migration.whole).toBe(false);
    });
  });

  describe("key and match", () => {
    it("keeps one alarm per thing when the key is the thing name", () => {
      const alarm = only(template(OVEN));

      expect(texts(alarm.decisions).join("\n")).toContain(`${AT}.Key: Key thingName: one alarm per device`);
      expect(alarm.todo).toEqual([]);
    });

    it("tells how devices must publish when the key is not the thing name", () => {
      const alarm = only(template({ ...OVEN, Key: "$input.TelemetryInput.motorId" }));

      expect(texts(alarm.todo)).toEqual([
        `${AT}.Key: Key $input.TelemetryInput.motorId is not the device's thing name: plantwatch keeps one alarm per thing, {ruleId}:{thingName}, the thing being the {thingName} of the telemetry topic; each motorId must publish as its own thing (dt/plantwatch/<motorId>/telemetry, provisioned under that name)`,
      ]);
      expect(alarm.status).toBe("whole");
    });

    it("says that without a key IoT Events kept one alarm for everything", () => {
      const { Key: _, ...keyless } = OVEN;

      expect(texts(only(template(keyless)).decisions).join("\n")).toContain(
        "no Key: IoT Events kept one alarm for all messages together",
      );
    });

    it("matches every thing, or the --things globs", () => {
      expect(only(template(OVEN)).rule).not.toHaveProperty("match");
      expect(only(template(OVEN), { things: ["press-*"] }).rule).toMatchObject({
        match: { things: ["press-*"] },
      });
    });
  });

  describe("actions and notifications", () => {
    it("routes SNS by severity and subscribes Lambda, SQS and Firehose on the bus", () => {
      const alarm = only(
        template({
          ...OVEN,
          Severity: 3,
          AlarmEventActions: {
            AlarmActions: [
              { Sns: { TargetArn: "arn:aws:sns:eu-central-1:123456789012:alarms" } },
              { Lambda: { FunctionArn: "arn:aws:lambda:eu-central-1:123456789012:function:ticket" } },
              { Sqs: { QueueUrl: "https://sqs.eu-central-1.amazonaws.com/123456789012/q" } },
              { Firehose: { DeliveryStreamName: "archive" } },
            ],
          },
        }),
      );

      const todo = texts(alarm.todo);
      expect(todo[0]).toContain(
        "AlarmActions[0].Sns: SNS topic arn:aws:sns:eu-central-1:123456789012:alarms: plantwatch sends e-mail and SMS through its own topics by severity; this minor rule goes to the notify topic (stack output NotifyTopicArn)",
      );
      for (const [index, what] of [
        [1, "Lambda arn:aws:lambda:eu-central-1:123456789012:function:ticket"],
        [2, "SQS queue https://sqs.eu-central-1.amazonaws.com/123456789012/q"],
        [3, "Firehose stream archive"],
      ] as const) {
        expect(todo[index]).toContain(what);
        expect(todo[index]).toContain('detail-type "Alarm State Change" and detail.rule.id "oven-overheat"');
      }
      expect(alarm.status).toBe("whole");
    });

    it.each([
      ["IotEvents", { InputName: "NextInput" }, "sends to the IoT Events input NextInput"],
      [
        "IotSiteWise",
        { PropertyAlias: "/plant/oven/alarm" },
        "writes the SiteWise asset property /plant/oven/alarm",
      ],
    ])("leaves a %s action out, so the alarm is partial", (kind, action, text) => {
      const alarm = only(template({ ...OVEN, AlarmEventActions: { AlarmActions: [{ [kind]: action }] } }));

      expect(alarm.status).toBe("partial");
      expect(texts(alarm.leftOut)[0]).toContain(`${AT}.AlarmEventActions.AlarmActions[0].${kind}: ${text}`);
    });

    it("says a custom payload is not carried", () => {
      const alarm = only(
        template({
          ...OVEN,
          AlarmEventActions: {
            AlarmActions: [
              { Lambda: { FunctionArn: "arn:x", Payload: { ContentExpression: "'x'", Type: "STRING" } } },
            ],
          },
        }),
      );

      expect(texts(alarm.decisions)).toContain(
        `${AT}.AlarmEventActions.AlarmActions[0].Lambda.Payload: its custom payload is not carried: targets receive the C5 alarm event detail`,
      );
    });

    it("sends e-mail and SMS recipients to the severity's topic in cdk.json", () => {
      const identity = (userId: string) => ({ ssoIdentity: { identityStoreId: "d-1", userId } });
      const alarm = only({
        alarmModelName: "motorTemperature",
        severity: 2,
        alarmRule: {
          simpleRule: { inputProperty: "$input.M.t", comparisonOperator: "GREATER", threshold: "90" },
        },
        alarmNotification: {
          notificationActions: [
            {
              action: { lambdaAction: { functionArn: "arn:notifier" } },
              emailConfigurations: [
                { from: "a@example.com", recipients: { to: [identity("u1"), identity("u2")] } },
              ],
              smsConfigurations: [{ recipients: [identity("u3")] }],
            },
          ],
        },
      });

      expect(texts(alarm.todo)).toEqual([
        "alarmNotification.notificationActions[0].emailConfigurations[0]: e-mail from a@example.com to IAM Identity Center user u1 (identity store d-1), user u2 (identity store d-1): add their e-mail addresses to cdk.json alarms.notify.page.email (this major rule's topic; each address confirms once)",
        "alarmNotification.notificationActions[0].smsConfigurations[0]: SMS to IAM Identity Center user u3 (identity store d-1): add their phone numbers (E.164) to cdk.json alarms.notify.page.sms",
      ]);
      expect(alarm.status).toBe("whole");
    });
  });

  describe("refusals", () => {
    it.each([
      [
        "an alarm model without a simple rule",
        { ...OVEN, AlarmRule: {} },
        `${AT}.AlarmRule: no AlarmRule.SimpleRule: only simple rules map to plantwatch rules`,
      ],
      [
        "a SiteWise asset-property source",
        simpleRule({ InputProperty: "$sitewise.assetModel.`a1`.`p1`.propertyValue.value" }),
        `${AT}.AlarmRule.SimpleRule.InputProperty: InputProperty is a SiteWise asset property`,
      ],
      [
        "an expression as input property",
        simpleRule({ InputProperty: "$input.TelemetryInput.a + $input.TelemetryInput.b" }),
        `${AT}.AlarmRule.SimpleRule.InputProperty: InputProperty $input.TelemetryInput.a + $input.TelemetryInput.b is an expression beyond a simple rule`,
      ],
      [
        "a threshold only a deployment knows",
        simpleRule({ Threshold: { Ref: "MaxTemp" } }),
        `${AT}.AlarmRule.SimpleRule.Threshold: Threshold: { Ref: MaxTemp } is only known once the stack is deployed (the parameter's Default is 260)`,
      ],
      [
        "an attribute threshold with NOT_EQUAL",
        simpleRule({ ComparisonOperator: "NOT_EQUAL", Threshold: "$input.TelemetryInput.mode" }),
        `${AT}.AlarmRule.SimpleRule.Threshold: Threshold $input.TelemetryInput.mode with NOT_EQUAL: no default keeps devices without the attribute quiet`,
      ],
      [
        "a string compared by order",
        simpleRule({ Threshold: "'HIGH'" }),
        `${AT}.AlarmRule.SimpleRule.Threshold: Threshold 'HIGH' is not a number, so > cannot compare it`,
      ],
      [
        "a metric name C2 does not allow",
        simpleRule({ InputProperty: "$input.TelemetryInput.sensorData.time" }),
        `${AT}.AlarmRule.SimpleRule.InputProperty: metric name "time" is reserved: pass --metric-map 'TelemetryInput.sensorData.time=<name>'`,
      ],
      [
        "an unknown operator",
        simpleRule({ ComparisonOperator: "BETWEEN" }),
        `${AT}.AlarmRule.SimpleRule.ComparisonOperator: ComparisonOperator BETWEEN is none of GREATER`,
      ],
    ])("refuses %s with its path", (_, properties, reason) => {
      const migration = migrate({
        ...template(properties),
        Parameters: { MaxTemp: { Type: "String", Default: "260" } },
      });

      expect(migration.alarms[0]?.status).toBe("refused");
      expect(migration.alarms[0]?.rule).toBeUndefined();
      expect(texts(migration.alarms[0]?.leftOut ?? []).at(-1)).toContain(reason);
      expect(migration.whole).toBe(false);
    });

    it("refuses detector models and other IoT Events resources, and lists other services' resources", () => {
      const migration = migrate(
        template(OVEN, {
          Boiler: { Type: "AWS::IoTEvents::DetectorModel", Properties: { DetectorModelDefinition: {} } },
          Role: { Type: "AWS::IAM::Role", Properties: {} },
        }),
      );

      expect(migration.refused).toEqual([
        expect.objectContaining({
          file: "alarms.json",
          resource: "Boiler",
          path: "Resources.Boiler",
          message: expect.stringMatching(
            /^AWS::IoTEvents::DetectorModel: a detector model is a state machine/,
          ),
        }),
      ]);
      expect(migration.ignored).toEqual([
        expect.objectContaining({ resource: "Role", path: "Resources.Role" }),
      ]);
      expect(migration.alarms[0]?.status).toBe("whole");
      expect(migration.whole).toBe(false);
    });

    it("refuses a describe-detector-model output and a file of another kind", () => {
      const migration = migrateIotEvents(
        [
          {
            file: "boiler.json",
            value: { detectorModel: { detectorModelConfiguration: { detectorModelName: "boiler" } } },
          },
          { file: "other.json", value: { alarmModelSummaries: [] } },
        ],
        { metricMap: new Map(), severityMap: new Map() },
      );

      expect(migration.refused.map((finding) => [finding.file, finding.resource, finding.path])).toEqual([
        ["boiler.json", "boiler", "detectorModel"],
        ["other.json", "other.json", ""],
      ]);
    });

    it("reports a property it does not understand, never drops it unseen", () => {
      const alarm = only(template({ ...OVEN, AlarmThreshold: "x" }));

      expect(alarm.status).toBe("partial");
      expect(texts(alarm.leftOut)).toEqual([
        `${AT}.AlarmThreshold: AlarmThreshold is not understood, so not carried`,
      ]);
    });
  });

  describe("sources", () => {
    it("maps a describe-alarm-model output like the same model in a template", () => {
      const described = only({
        alarmModelName: "OvenOverheat",
        alarmModelArn: "arn:aws:iotevents:eu-central-1:123456789012:alarmModel/OvenOverheat",
        status: "ACTIVE",
        severity: 1,
        key: "$input.TelemetryInput.thingName",
        alarmRule: {
          simpleRule: {
            inputProperty: "$input.TelemetryInput.sensorData.temperature",
            comparisonOperator: "GREATER",
            threshold: "250",
          },
        },
        alarmCapabilities: { acknowledgeFlow: { enabled: true } },
      });

      expect(described.rule).toEqual(only(template(OVEN)).rule);
      expect(described.status).toBe("whole");
    });

    it("resolves Fn::Sub and Ref naming the template's inputs, and names by resource what only a deployment knows", () => {
      const alarm = only(
        template(
          {
            ...simpleRule({ InputProperty: { "Fn::Sub": "$input.${Telemetry}.sensorData.temperature" } }),
            AlarmModelName: { "Fn::Sub": "${Stage}-oven" },
          },
          { Telemetry: { Type: "AWS::IoTEvents::Input", Properties: { InputName: "TelemetryInput" } } },
        ),
      );

      expect(alarm.rule).toMatchObject({ id: "alarm", name: "Alarm", metric: "temperature" });
      expect(texts(alarm.decisions)).toContain(
        `${AT}.AlarmModelName: AlarmModelName \${Stage}-oven is only known once the stack is deployed: id alarm and name from the resource Alarm`,
      );
      expect(texts(alarm.decisions).join("\n")).toContain("from messages to the input TelemetryInput");
    });

    it("joins literal Fn::Join parts, and leaves a list only a deployment knows to the resource's name", () => {
      const joined = only(template({ ...OVEN, AlarmModelName: { "Fn::Join": ["-", ["oven", "overheat"]] } }));
      const listed = only(template({ ...OVEN, AlarmModelName: { "Fn::Join": ["-", { Ref: "NameParts" }] } }));

      expect(joined.rule).toMatchObject({ id: "oven-overheat" });
      expect(listed.rule).toMatchObject({ id: "alarm", name: "Alarm" });
      expect(texts(listed.decisions).join("\n")).toContain("is only known once the stack is deployed");
    });

    it("gives every rule a unique id across files", () => {
      const migration = migrateIotEvents(
        [
          { file: "a.json", value: template(OVEN) },
          { file: "b.json", value: template(OVEN) },
        ],
        { metricMap: new Map(), severityMap: new Map() },
      );

      expect(migration.alarms.map((alarm) => alarm.rule?.id)).toEqual(["oven-overheat", "oven-overheat-2"]);
    });
  });
});
