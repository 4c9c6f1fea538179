import { InvalidArgumentError } from "commander";
import { SEVERITIES, type Severity } from "../../shared/domain/alarms/rule.ts";
import { isIotEventsSeverity } from "../../shared/domain/migration/iotEvents/severityTable.ts";
import { metric } from "../api/operatorArguments.ts";

function pair(value: string): readonly [string, string] {
  const at = value.lastIndexOf("=");
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError("expected FROM=TO");
  return [value.slice(0, at).trim(), value.slice(at + 1).trim()];
}

/** `--metric-map 'TemperatureInput.sensorData.temp=temperature'`, repeatable. */
export function metricMapping(
  value: string,
  previous: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const [property, name] = pair(value);
  return new Map([...previous, [property.replace(/^\$input\./, ""), metric(name)]]);
}

/** `--severity-map 3=major`, repeatable. */
export function severityMapping(
  value: string,
  previous: ReadonlyMap<number, Severity> = new Map(),
): Map<number, Severity> {
  const [from, to] = pair(value);
  const level = /^\d+$/.test(from) ? Number(from) : Number.NaN;
  if (!isIotEventsSeverity(level)) {
    throw new InvalidArgumentError(`${from} is not an IoT Events severity (an integer from 0 to 2147483647)`);
  }
  if (!(SEVERITIES as readonly string[]).includes(to)) {
    throw new InvalidArgumentError(`${to} is not a severity: one of ${SEVERITIES.join(", ")}`);
  }
  return new Map([...previous, [level, to as Severity]]);
}
