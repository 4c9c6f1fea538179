import { createHash, randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { type LocalReply, type LocalServer, startLocalServer } from "./localHttpServer.ts";

/** Failures the fake can be told to answer with, as S3 sends them. */
export const S3_FAULTS = {
  slowDown: { status: 503, code: "SlowDown", message: "Please reduce your request rate." },
  internal: {
    status: 500,
    code: "InternalError",
    message: "We encountered an internal error. Please try again.",
  },
} as const;
export type S3Fault = keyof typeof S3_FAULTS;

export interface PutObjectRecord {
  readonly bucket: string;
  readonly key: string;
  readonly body: string;
  readonly contentType: string | undefined;
  /** The HTTP status the fake answered with. */
  readonly status: number;
}

export interface FakeS3 extends LocalServer {
  /** Every PutObject received, in arrival order, answered or failed. */
  readonly puts: readonly PutObjectRecord[];
  /** The objects stored, by `bucket/key`. */
  objects(): ReadonlyMap<string, PutObjectRecord>;
  /** Answers the next `times` (default 1) requests with `fault`. */
  fail(fault: S3Fault, options?: { readonly times?: number }): void;
}

/**
 * A path-style S3 endpoint (`PUT /{bucket}/{key}`, `GET /{bucket}/{key}`) for the real SDK client;
 * give the client `forcePathStyle: true`. It keeps the objects and records every PutObject.
 */
export async function startFakeS3(): Promise<FakeS3> {
  const puts: PutObjectRecord[] = [];
  const objects = new Map<string, PutObjectRecord>();
  const faults: S3Fault[] = [];

  const server = await startLocalServer(({ method, url, headers, body }): LocalReply => {
    const path = new URL(url, "http://localhost").pathname;
    const [bucket = "", ...keyParts] = path.slice(1).split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const fault = faults.shift();
    if (method === "PUT" && key) {
      const text = decodeBody(body, headers).toString("utf8");
      const status = fault ? S3_FAULTS[fault].status : 200;
      const put = { bucket, key, body: text, contentType: headers["content-type"], status };
      puts.push(put);
      if (fault) return s3Error(fault, path);
      objects.set(`${bucket}/${key}`, put);
      return { status: 200, headers: { etag: `"${createHash("md5").update(text).digest("hex")}"` } };
    }
    if (fault) return s3Error(fault, path);
    const object = method === "GET" ? objects.get(`${bucket}/${key}`) : undefined;
    if (object)
      return { status: 200, headers: { "content-type": object.contentType ?? "" }, body: object.body };
    return s3Error("noSuchKey", path);
  });

  return {
    ...server,
    puts,
    objects: () => objects,
    fail: (fault, { times = 1 } = {}) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
  };
}

function s3Error(fault: S3Fault | "noSuchKey", resource: string): LocalReply {
  const { status, code, message } =
    fault === "noSuchKey"
      ? { status: 404, code: "NoSuchKey", message: "The specified key does not exist." }
      : S3_FAULTS[fault];
  const requestId = randomUUID();
  return {
    status,
    headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
      `<Resource>${resource}</Resource><RequestId>${requestId}</RequestId></Error>`,
  };
}

/** Undoes `aws-chunked` content encoding (streamed bodies with trailing checksums); others pass as sent. */
function decodeBody(body: Buffer, headers: IncomingHttpHeaders): Buffer {
  if (!String(headers["content-encoding"] ?? "").includes("aws-chunked")) return body;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", offset);
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!(size > 0)) return Buffer.concat(chunks);
    chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
