import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LocalWebhookSink,
  parseLocalWebhook,
  UnknownWebhookFormatError,
} from "../../local/localWebhookSink.ts";
import { WebhookSender } from "../../local/webhookSender.ts";
import type { AlarmNotificationDetail } from "../../shared/contracts/alarmNotification.ts";
import { type LocalRequest, type LocalServer, startLocalServer } from "../support/localHttpServer.ts";

const DETAIL: AlarmNotificationDetail = {
  version: "1",
  alarmId: "oven-overheat:oven-3",
  eventKey: "oven-overheat:oven-3#1",
  kind: "transition",
  severity: "critical",
  channel: "page",
  state: "ACTIVE",
  thingName: "oven-3",
  payloads: {
    slack: { text: "slack body" } as never,
    teams: { type: "message" } as never,
    pagerduty: { event_action: "trigger" } as never,
    json: { "detail-type": "Alarm State Change" } as never,
  },
};

describe("parseLocalWebhook", () => {
  it("reads FORMAT=URL, and a bare URL as json", () => {
    expect(parseLocalWebhook("slack=http://127.0.0.1:9000/x?a=b")).toEqual({
      format: "slack",
      url: "http://127.0.0.1:9000/x?a=b",
    });
    expect(parseLocalWebhook("http://127.0.0.1:9000/hook?x=1")).toEqual({
      format: "json",
      url: "http://127.0.0.1:9000/hook?x=1",
    });
  });

  it("refuses an unknown format, naming the known ones", () => {
    expect(() => parseLocalWebhook("discord=http://127.0.0.1/x")).toThrow(UnknownWebhookFormatError);
    expect(() => parseLocalWebhook("discord=http://127.0.0.1/x")).toThrow(
      'unknown webhook format "discord": expected one of slack, teams, pagerduty, json',
    );
  });
});

describe("LocalWebhookSink", () => {
  const requests: LocalRequest[] = [];
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer((request) => {
      requests.push(request);
      return { status: request.url === "/refuse" ? 400 : request.url === "/flaky" ? 503 : 200 };
    });
  });
  afterAll(() => server?.stop());

  it("posts each webhook its format's payload, only for the severities its rule takes", async () => {
    requests.length = 0;
    const sender = new WebhookSender({ firstDelayMs: 1 });
    const failures: string[] = [];
    const sink = new LocalWebhookSink({
      webhooks: [
        { format: "slack", url: `${server.endpoint}/slack` },
        { format: "pagerduty", url: `${server.endpoint}/pd`, severities: ["critical"] },
        { format: "teams", url: `${server.endpoint}/teams`, severities: ["minor", "warning"] },
      ],
      sender,
      onFailure: ({ reason }) => failures.push(reason),
    });

    expect(await sink.put(DETAIL)).toEqual({ retries: 0 });
    await sink.put({ ...DETAIL, replayTo: "plantwatch-webhook-other" });
    await sender.idle();

    expect(
      requests
        .map((request) => [
          request.method,
          request.url,
          request.headers["content-type"],
          request.body.toString(),
        ])
        .sort(),
    ).toEqual([
      ["POST", "/pd", "application/json", JSON.stringify(DETAIL.payloads.pagerduty)],
      ["POST", "/slack", "application/json", JSON.stringify(DETAIL.payloads.slack)],
    ]);
    expect(failures).toEqual([]);
  });

  it("retries a 5xx up to four attempts, and reports what was never delivered", async () => {
    requests.length = 0;
    const sender = new WebhookSender({ firstDelayMs: 1 });
    const failures: string[] = [];
    const sink = new LocalWebhookSink({
      webhooks: [
        { format: "json", url: `${server.endpoint}/flaky` },
        { format: "json", url: `${server.endpoint}/refuse` },
      ],
      sender,
      onFailure: ({ webhook, detail, reason }) => failures.push(`${webhook.url} ${detail.alarmId} ${reason}`),
    });

    await sink.put(DETAIL);
    await sender.idle();

    expect(requests.filter((request) => request.url === "/flaky")).toHaveLength(4);
    expect(requests.filter((request) => request.url === "/refuse")).toHaveLength(1);
    expect(failures.sort()).toEqual([
      `${server.endpoint}/flaky oven-overheat:oven-3 HTTP 503`,
      `${server.endpoint}/refuse oven-overheat:oven-3 HTTP 400`,
    ]);
  });
});
