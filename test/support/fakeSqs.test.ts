import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeSqs, localSqsClient, startFakeSqs } from "./fakeSqs.ts";

describe("fake SQS", () => {
  let sqs: FakeSqs;
  let client: SQSClient;

  beforeEach(async () => {
    sqs = await startFakeSqs();
    client = localSqsClient(sqs.endpoint);
  });
  afterEach(async () => {
    client.destroy();
    await sqs.stop();
  });

  const receive = (
    input: { visibility?: number; max?: number; attributes?: string[]; system?: string[] } = {},
  ) =>
    client.send(
      new ReceiveMessageCommand({
        QueueUrl: sqs.queueUrl,
        MaxNumberOfMessages: input.max ?? 10,
        VisibilityTimeout: input.visibility ?? 30,
        ...(input.attributes ? { MessageAttributeNames: input.attributes } : {}),
        ...(input.system ? { MessageSystemAttributeNames: input.system as never } : {}),
      }),
    );

  it("speaks AWS JSON 1.0 to the real client, and the client accepts its MD5OfBody", async () => {
    const id = sqs.send({ body: '{"a":"ü"}', sentTimestamp: 1_000 });

    const { Messages } = await receive({ system: ["All"] });

    expect(Messages).toHaveLength(1);
    expect(Messages?.[0]).toMatchObject({
      MessageId: id,
      Body: '{"a":"ü"}',
      Attributes: { SentTimestamp: "1000", ApproximateReceiveCount: "1" },
    });
    expect(sqs.requests[0]).toMatchObject({ operation: "ReceiveMessage", status: 200 });
  });

  it("hides a received message for its visibility timeout; visibility 0 makes it receivable again", async () => {
    sqs.send({ body: "x" });
    const first = await receive();

    expect((await receive()).Messages ?? []).toHaveLength(0);
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: sqs.queueUrl,
        ReceiptHandle: first.Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await receive({ system: ["ApproximateReceiveCount"] });
    expect(again.Messages?.[0]?.Attributes).toEqual({ ApproximateReceiveCount: "2" });
  });

  it("returns only the message attributes asked for", async () => {
    sqs.send({ body: "x", messageAttributes: { ERROR_CODE: "THROTTLING", RULE_ARN: "arn" } });

    const [none, one] = [await receive({ visibility: 0 }), await receive({ attributes: ["RULE_ARN"] })];

    expect(none.Messages?.[0]?.MessageAttributes).toBeUndefined();
    expect(one.Messages?.[0]?.MessageAttributes).toEqual({
      RULE_ARN: { StringValue: "arn", DataType: "String" },
    });
  });

  it("accepts only the latest receipt handle, and refuses changing a message that is not in flight", async () => {
    sqs.send({ body: "x" });
    const stale = (await receive({ visibility: 0 })).Messages?.[0]?.ReceiptHandle;
    const current = (await receive({ visibility: 0 })).Messages?.[0]?.ReceiptHandle;

    await expect(
      client.send(new DeleteMessageCommand({ QueueUrl: sqs.queueUrl, ReceiptHandle: stale })),
    ).rejects.toMatchObject({ name: "ReceiptHandleIsInvalid" });
    await expect(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: sqs.queueUrl,
          ReceiptHandle: current,
          VisibilityTimeout: 5,
        }),
      ),
    ).rejects.toMatchObject({ name: "MessageNotInflight" });
    const batch = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: sqs.queueUrl,
        Entries: [{ Id: "0", ReceiptHandle: current }],
      }),
    );
    expect(batch.Successful).toEqual([{ Id: "0" }]);
    expect(sqs.messages()).toEqual([]);
  });

  it("answers another queue URL with QueueDoesNotExist, and too many messages with a parameter error", async () => {
    await expect(
      client.send(new ReceiveMessageCommand({ QueueUrl: `${sqs.queueUrl}-other` })),
    ).rejects.toMatchObject({ name: "QueueDoesNotExist" });
    await expect(receive({ max: 11 })).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});
