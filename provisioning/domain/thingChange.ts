import type { ThingState, ThingUpdate } from "../../shared/ports/iotControlPlane.ts";

export interface ThingChange {
  readonly update: ThingUpdate;
  /** The update that puts the thing back as it was. */
  readonly revert: ThingUpdate;
  /** One line per difference, for the report: `attribute line: line-1 → line-2`. */
  readonly described: readonly string[];
}

/** How to turn the existing thing into the wanted one, or undefined if they already agree. */
export function thingChange(existing: ThingState, wanted: ThingState): ThingChange | undefined {
  const set: Record<string, string> = {};
  const back: Record<string, string> = {};
  const described: string[] = [];
  const names = [...new Set([...Object.keys(existing.attributes), ...Object.keys(wanted.attributes)])].sort();
  for (const name of names) {
    const before = existing.attributes[name];
    const after = wanted.attributes[name];
    if (before === after) continue;
    // An empty value removes the attribute (UpdateThing with merge).
    set[name] = after ?? "";
    back[name] = before ?? "";
    described.push(
      before === undefined
        ? `attribute ${name} set to ${after}`
        : after === undefined
          ? `attribute ${name} removed (was ${before})`
          : `attribute ${name}: ${before} → ${after}`,
    );
  }
  const typeChanged = wanted.thingTypeName !== undefined && wanted.thingTypeName !== existing.thingTypeName;
  if (typeChanged) {
    described.unshift(`thing type ${existing.thingTypeName ?? "(none)"} → ${wanted.thingTypeName}`);
  }
  if (described.length === 0) return undefined;
  const revertType =
    existing.thingTypeName === undefined
      ? { removeThingType: true }
      : { thingTypeName: existing.thingTypeName };
  return {
    update: { attributes: set, ...(typeChanged ? { thingTypeName: wanted.thingTypeName } : {}) },
    revert: { attributes: back, ...(typeChanged ? revertType : {}) },
    described,
  };
}
