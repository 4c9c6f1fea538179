import { ATTRIBUTE_PATTERN } from "../../shared/contracts/alarmRules.ts";
import { THING_NAME_PATTERN } from "../../shared/contracts/telemetryTopic.ts";
import { MATCH_FIELDS, type RegistryEntry } from "../../shared/ports/deviceRecords.ts";

/** One device to provision: its thing name, the registry's match keys, and further attributes. */
export interface DeviceSpec {
  readonly thingName: string;
  readonly site?: string;
  readonly line?: string;
  readonly model?: string;
  /** Further attributes, e.g. alarm thresholds such as `maxTemp` (C3 `value: { attribute }`). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** IoT thing attribute values: at most 800 of these characters (no spaces). */
const ATTRIBUTE_VALUE_PATTERN = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;
const MAX_ATTRIBUTE_VALUE_LENGTH = 800;
const THING_TYPE_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/;
/** IoT Core: a thing without a thing type has at most 3 attributes; with one, at most 50. */
export const MAX_ATTRIBUTES_WITHOUT_TYPE = 3;
export const MAX_ATTRIBUTES_WITH_TYPE = 50;
const RESERVED_NAMES = new Set<string>(["thingName", ...MATCH_FIELDS]);

export function thingNameProblem(name: string): string | undefined {
  return THING_NAME_PATTERN.test(name)
    ? undefined
    : `"${name}" is not a valid thing name (1-128 of letters, digits, ":", "_" and "-")`;
}

export function thingTypeProblem(name: string): string | undefined {
  return THING_TYPE_PATTERN.test(name)
    ? undefined
    : `"${name}" is not a valid thing type name (1-128 of letters, digits, ":", "_" and "-")`;
}

/** For names of further attributes (not site/line/model, which have their own options and columns). */
export function attributeNameProblem(name: string): string | undefined {
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved: it has its own option or column`;
  // What a C3 rule can reference, which is also within IoT's own key rule ([a-zA-Z0-9_.,@/:#-]+, ≤ 128).
  return ATTRIBUTE_PATTERN.test(name)
    ? undefined
    : `"${name}" is not a valid attribute name (a letter, then up to 127 of letters, digits, "_", "." and "-")`;
}

export function attributeValueProblem(value: string): string | undefined {
  if (value.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
    return `is ${value.length} characters long; IoT allows at most ${MAX_ATTRIBUTE_VALUE_LENGTH}`;
  }
  return ATTRIBUTE_VALUE_PATTERN.test(value)
    ? undefined
    : `"${value}" may contain only letters, digits and _ . , @ / : # = [ ] - (no spaces)`;
}

/** Too many attributes for the thing's type (or for no type), or undefined. */
export function attributeCountProblem(
  spec: DeviceSpec,
  thingTypeName: string | undefined,
): string | undefined {
  const count = Object.keys(allAttributes(spec)).length;
  return thingTypeName !== undefined && count > MAX_ATTRIBUTES_WITH_TYPE
    ? `${count} attributes; a thing of a thing type has at most ${MAX_ATTRIBUTES_WITH_TYPE}`
    : undefined;
}

/** site, line, model and the further attributes, in one map: what `device.json` carries. */
export function allAttributes(spec: DeviceSpec): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const field of MATCH_FIELDS) {
    const value = spec[field];
    if (value !== undefined) attributes[field] = value;
  }
  return { ...attributes, ...spec.attributes };
}

/**
 * The attributes the IoT thing gets. A thing without a thing type may have only 3, so it gets
 * site, line and model; with a thing type (up to 50) it gets all. The registry always has all of
 * them, and the alarm functions read them from there.
 */
export function iotAttributes(spec: DeviceSpec, thingTypeName: string | undefined): Record<string, string> {
  if (thingTypeName !== undefined) return allAttributes(spec);
  const attributes: Record<string, string> = {};
  for (const field of MATCH_FIELDS) {
    const value = spec[field];
    if (value !== undefined) attributes[field] = value;
  }
  return attributes;
}

/** The registry item of a device: site, line and model as fields, the rest under `attributes`. */
export function registryEntryOf(spec: DeviceSpec): RegistryEntry {
  return {
    thingName: spec.thingName,
    ...(spec.site === undefined ? {} : { site: spec.site }),
    ...(spec.line === undefined ? {} : { line: spec.line }),
    ...(spec.model === undefined ? {} : { model: spec.model }),
    attributes: spec.attributes,
  };
}

/** Whether the stored entry already says what `entry` says (`lastSeen` and unknown fields aside). */
export function sameEntry(stored: RegistryEntry | undefined, entry: RegistryEntry): boolean {
  if (stored === undefined) return false;
  if (MATCH_FIELDS.some((field) => stored[field] !== entry[field])) return false;
  const a = Object.entries(stored.attributes).map(([key, value]) => [key, String(value)]);
  const b = Object.entries(entry.attributes).map(([key, value]) => [key, String(value)]);
  const sort = (pairs: string[][]) => JSON.stringify(pairs.sort(([x = ""], [y = ""]) => x.localeCompare(y)));
  return sort(a) === sort(b);
}
