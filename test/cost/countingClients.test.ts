import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { countingInfluxFetch } from "../../cost/countingClients.ts";

describe("counting InfluxDB fetch", () => {
  it("answers 204 to /write and counts requests, lines and bytes, gzip or not", async () => {
    const { fetch, counts } = countingInfluxFetch();
    const lines = "telemetry,device=a temperature=1 1\ntelemetry,device=b temperature=2 1\n";
    const zipped = gzipSync(Buffer.from(lines));
    const gzipped = await fetch("http://influx:8086/write?db=p&precision=ms", {
      method: "POST",
      headers: { "Content-Encoding": "gzip" },
      body: zipped,
    });
    const plain = await fetch("http://influx:8086/write?db=p", { method: "POST", body: "m f=1 1" });
    expect([gzipped.status, plain.status]).toEqual([204, 204]);
    expect(counts).toEqual({
      requests: 2,
      lines: 3,
      bytes: zipped.byteLength + 7,
      lineBytes: Buffer.byteLength(lines) + 7,
    });
  });

  it("answers 404 to anything else, so a call the model does not price fails instead of counting as free", async () => {
    const { fetch, counts } = countingInfluxFetch();
    const query = await fetch("http://influx:8086/query?db=p&q=SELECT%201");
    expect(query.status).toBe(404);
    expect(counts.requests).toBe(0);
  });
});
