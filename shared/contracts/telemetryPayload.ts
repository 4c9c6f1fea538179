import * as z from "zod/mini";
import { lazy } from "../lazy.ts";
import { METRIC_NAME_PATTERN } from "./metricName.ts";

/**
 * C2, telemetry payload version 1. Two views of one contract:
 * - `telemetryPayloadSchema` is the published contract (JSON Schema in `schemas/`), strict to the metric;
 * - the envelope schemas below are what the parser checks first, leaving metric names and values to
 *   per-metric checks so one bad metric drops only itself, not its sample.
 * `zod/mini` rather than `zod`: the same validator at a fraction of the bundle size. Each schema is
 * built on first use (`lazy`), not at import: the cold start of every function that imports it.
 */
const timestampSchema = lazy(() =>
  z.union([
    z.int().check(z.minimum(0), z.describe("epoch milliseconds")),
    z.string().check(z.describe("RFC 3339 time, e.g. 2026-11-25T12:03:09.500Z")),
  ]),
);

export const sampleEnvelopeSchema = lazy(() =>
  z.object({
    // Any number or string here: the parser judges the value itself and says `ts_invalid`.
    ts: z.optional(z.union([z.number(), z.string()])),
    seq: z.optional(z.int().check(z.minimum(0))),
    metrics: z.record(z.string(), z.unknown()),
  }),
);

export const batchEnvelopeSchema = lazy(() =>
  z.object({ samples: z.array(z.unknown()).check(z.minLength(1)) }),
);

const sampleSchema = lazy(() =>
  z.object({
    ts: z.optional(timestampSchema()),
    seq: z.optional(z.int().check(z.minimum(0))),
    metrics: z.record(
      z.string().check(z.regex(METRIC_NAME_PATTERN)),
      z.union([z.number(), z.boolean(), z.string().check(z.maxLength(1024))]),
    ),
  }),
);

export const telemetryPayloadSchema = lazy(() =>
  z
    .union([
      sampleSchema(),
      z.object({ samples: z.array(sampleSchema()).check(z.minLength(1), z.maxLength(500)) }),
    ])
    .check(
      z.meta({
        $id: "https://plantwatch.dev/schemas/telemetry-v1.schema.json",
        title: "plantwatch telemetry payload, version 1 (C2)",
        description:
          "Published to dt/plantwatch/{thingName}/telemetry. Defaults: at most 128 KB per message, 500 samples per batch, 200 metrics per sample; names reserved by the series store are refused.",
      }),
    ),
);
