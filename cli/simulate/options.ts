import { InvalidArgumentError } from "commander";
import { parseDuration } from "../../shared/contracts/ruleDuration.ts";
import { parseScenarios, SCENARIO_NAMES, type ScenarioName } from "../../simulator/domain/scenarios.ts";

/** Argument parsers of `plantwatch simulate`: each refuses a bad value with a message commander prints. */

export function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1 || parsed > 100_000) {
    throw new InvalidArgumentError("expected a whole number from 1 to 100000");
  }
  return parsed;
}

export function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1 || parsed > 65_535) {
    throw new InvalidArgumentError("expected a port from 1 to 65535");
  }
  return parsed;
}

export function seed(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed > 0xffff_ffff) {
    throw new InvalidArgumentError("expected a whole number from 0 to 4294967295");
  }
  return parsed;
}

export function finite(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new InvalidArgumentError("expected a number");
  return parsed;
}

export function duration(value: string): number {
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value);
  if (ms === undefined || ms <= 0) {
    throw new InvalidArgumentError(
      "expected a duration like 10ms, 1s, 5m or 1h30m (a bare number is seconds)",
    );
  }
  return ms;
}

export function scenarios(value: string): readonly ScenarioName[] {
  const parsed = parseScenarios(value);
  if (!parsed.ok) {
    throw new InvalidArgumentError(
      `unknown scenario ${parsed.unknown.join(", ")}; choose from ${SCENARIO_NAMES.join(", ")}`,
    );
  }
  if (parsed.scenarios.length === 0)
    throw new InvalidArgumentError(`choose from ${SCENARIO_NAMES.join(", ")}`);
  return parsed.scenarios;
}
