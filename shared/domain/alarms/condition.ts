import type { DeviceRecord } from "../../ports/deviceRegistry.ts";
import type { MetricValue } from "../ingest/types.ts";
import type { Condition, Threshold } from "./rule.ts";

/** A threshold's value for one device: a literal, or the device's attribute (numeric) or its default. */
export function resolveThreshold(
  threshold: Threshold,
  device: DeviceRecord | undefined,
): number | string | boolean {
  if (typeof threshold !== "object") return threshold;
  const attribute = device?.attributes?.[threshold.attribute];
  if (typeof attribute === "number" && Number.isFinite(attribute)) return attribute;
  if (typeof attribute === "string" && attribute.trim() !== "" && Number.isFinite(Number(attribute))) {
    return Number(attribute);
  }
  return threshold.default;
}

/**
 * Whether `value` satisfies `condition`, or undefined when the comparison makes no sense (a string
 * compared with `>`, say): such a sample neither raises nor clears.
 */
export function holds(
  condition: Condition,
  value: MetricValue,
  device: DeviceRecord | undefined,
): boolean | undefined {
  if ("low" in condition) {
    const low = resolveThreshold(condition.low, device);
    const high = resolveThreshold(condition.high, device);
    if (typeof value !== "number" || typeof low !== "number" || typeof high !== "number") return undefined;
    const inside = value >= low && value <= high;
    return condition.op === "inside" ? inside : !inside;
  }
  const threshold = resolveThreshold(condition.value, device);
  switch (condition.op) {
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
  if (typeof value !== "number" || typeof threshold !== "number") return undefined;
  switch (condition.op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
  }
}

/** `> 250`, `outside [10, 20]`, as operators read them in a notification. */
export function describeCondition(condition: Condition, device: DeviceRecord | undefined): string {
  if ("low" in condition) {
    return `${condition.op} [${format(resolveThreshold(condition.low, device))}, ${format(resolveThreshold(condition.high, device))}]`;
  }
  return `${condition.op} ${format(resolveThreshold(condition.value, device))}`;
}

export function format(value: MetricValue): string {
  if (typeof value !== "number") return typeof value === "string" ? JSON.stringify(value) : String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** `60s`, `5m`, `2h` for a reason text: seconds up to two minutes, then whole minutes or hours. */
export function formatDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}
