import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SnsNotifier } from "../../../../shared/adapters/aws/snsNotifier.ts";
import { NotificationDeliveryError, type TopicMessage } from "../../../../shared/ports/notifier.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { type FakeSns, localSnsClient, startFakeSns } from "../../../support/fakeSns.ts";
import { manualClock } from "../../../support/testClock.ts";

const PAGE = "arn:aws:sns:eu-west-1:123456789012:plantwatch-page";
const NOTIFY = "arn:aws:sns:eu-west-1:123456789012:plantwatch-notify";

const MESSAGE: TopicMessage = {
  channel: "page",
  subject: "[CRITICAL] oven-3 ACTIVE - temperature 262.4 > 250 for 60s (plant-1/line-2)",
  texts: {
    default: "CRITICAL alarm raised: Oven temperature too high on oven-3\n",
    email: "CRITICAL alarm raised: Oven temperature too high on oven-3\n",
    sms: "[CRITICAL] oven-3 ACTIVE: temperature 262.4 > 250 for 60s",
  },
  attributes: { severity: "critical", state: "ACTIVE", alarmId: "oven-overheat:oven-3", kind: "transition" },
};

/** Backoff on a clock that moves only when the adapter sleeps: the sleeps are recorded, nothing waits. */
function virtualBackoff() {
  return { baseDelayMs: 10, maxDelayMs: 100, random: () => 0.5, ...manualClock(1_000_000) };
}

describe("SnsNotifier at the wire", () => {
  let sns: FakeSns;
  let client: SNSClient;

  beforeAll(async () => {
    sns = await startFakeSns([PAGE, NOTIFY]);
    client = localSnsClient(sns.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await sns.stop();
  });

  const notifier = (backoff = virtualBackoff()) =>
    new SnsNotifier({ topicArns: { page: PAGE, notify: NOTIFY }, client, backoff });

  it("publishes one JSON-structured message with string attributes to the channel's topic", async () => {
    const before = sns.requests.length;
    const report = await notifier().send(MESSAGE, { deadline: Number.MAX_SAFE_INTEGER });

    expect(report).toEqual({ retries: 0 });
    const request = sns.requests.at(-1);
    expect(sns.requests.length - before).toBe(1);
    expect(request?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request?.params).toMatchObject({ Action: "Publish", Version: "2010-03-31", TopicArn: PAGE });
    const published = sns.published().at(-1);
    expect(published).toMatchObject({ topicArn: PAGE, subject: MESSAGE.subject, messageStructure: "json" });
    expect(JSON.parse(published?.message ?? "")).toEqual(MESSAGE.texts);
    expect(published?.attributes).toEqual({
      severity: { dataType: "String", value: "critical" },
      state: { dataType: "String", value: "ACTIVE" },
      alarmId: { dataType: "String", value: "oven-overheat:oven-3" },
      kind: { dataType: "String", value: "transition" },
    });
  });

  it("sends the notify channel to the notify topic", async () => {
    await notifier().send({ ...MESSAGE, channel: "notify" }, { deadline: Number.MAX_SAFE_INTEGER });
    expect(sns.published().at(-1)?.topicArn).toBe(NOTIFY);
  });

  it.each(["throttled", "kmsThrottling", "internal"] as const)(
    "retries after %s, with backoff",
    async (fault) => {
      const backoff = virtualBackoff();
      sns.fail(fault, { times: 2 });
      const count = sns.published().length;

      const report = await notifier(backoff).send(MESSAGE, { deadline: Number.MAX_SAFE_INTEGER });

      expect(report).toEqual({ retries: 2 });
      expect(backoff.sleeps).toEqual([5, 10]);
      expect(sns.published().length).toBe(count + 1);
    },
  );

  it("gives up at the deadline with a retryable error naming the last failure", async () => {
    const backoff = virtualBackoff();
    sns.fail("throttled", { times: 100 });
    const attempt = notifier(backoff).send(MESSAGE, { deadline: backoff.now() + 50 });

    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotificationDeliveryError);
    expect(error).toMatchObject({ name: "NotificationDeliveryError", target: "topic", retryable: true });
    expect((error as Error).message).toMatch(/deadline.*ThrottledException/);
    sns.fail("throttled", { times: 0 });
  });

  it("throws at once, not retryable, when SNS refuses the publisher", async () => {
    const fresh = await startFakeSns([PAGE, NOTIFY]);
    const freshClient = localSnsClient(fresh.endpoint);
    try {
      fresh.fail("authorization");
      const backoff = virtualBackoff();
      const error = await new SnsNotifier({
        topicArns: { page: PAGE, notify: NOTIFY },
        client: freshClient,
        backoff,
      })
        .send(MESSAGE, { deadline: Number.MAX_SAFE_INTEGER })
        .catch((caught: unknown) => caught);

      expect(error).toMatchObject({ name: "NotificationDeliveryError", retryable: false, retries: 0 });
      expect((error as Error).message).toMatch(/AuthorizationErrorException/);
      expect(fresh.requests).toHaveLength(1);
      expect(backoff.sleeps).toEqual([]);
    } finally {
      freshClient.destroy();
      await fresh.stop();
    }
  });

  it("is refused a subject SNS would replace, which the fake checks as SNS does", async () => {
    const error = await notifier()
      .send(
        { ...MESSAGE, subject: "[MINOR] ofen ACTIVE — Überhitzung" },
        { deadline: Number.MAX_SAFE_INTEGER },
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/InvalidParameter.*Subject/);
  });
});

describe("SnsNotifier error paths", () => {
  const client = new SNSClient({ ...TEST_CLIENT_CONFIG, maxAttempts: 1 });
  const sns = mockClient(client);

  beforeEach(() => sns.reset());
  afterEach(() => sns.reset());

  const awsError = (name: string, fields: object = {}) =>
    Object.assign(new Error(`${name} from the mock`), { name, ...fields });

  it("retries a dropped connection", async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(awsError("Error", { code: "ECONNRESET" }))
      .resolves({ MessageId: "m-1" });
    const report = await new SnsNotifier({
      topicArns: { page: PAGE, notify: NOTIFY },
      client,
      backoff: virtualBackoff(),
    }).send(MESSAGE, { deadline: Number.MAX_SAFE_INTEGER });
    expect(report).toEqual({ retries: 1 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });

  it("does not retry an invalid parameter", async () => {
    sns
      .on(PublishCommand)
      .rejects(awsError("InvalidParameterException", { $metadata: { httpStatusCode: 400 } }));
    const error = await new SnsNotifier({
      topicArns: { page: PAGE, notify: NOTIFY },
      client,
      backoff: virtualBackoff(),
    })
      .send(MESSAGE, { deadline: Number.MAX_SAFE_INTEGER })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "NotificationDeliveryError", retryable: false });
    expect((error as NotificationDeliveryError).cause).toMatchObject({ name: "InvalidParameterException" });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
