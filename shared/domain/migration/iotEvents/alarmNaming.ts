import type { AlarmModelSource } from "./collectSources.ts";
import type { Note } from "./migration.ts";
import { child } from "./sourceNode.ts";
import { resolveText } from "./templateValues.ts";

export interface AlarmNaming {
  readonly name: string;
  /** The id before making it unique among the files: `OvenOverheat` → `oven-overheat`. */
  readonly baseId: string;
  readonly note: Note;
}

const MAX_ID = 63;

/** The rule's name: the alarm model's name when the file states it, else the resource's. */
export function alarmNaming(source: AlarmModelSource): AlarmNaming {
  const node = child(source.node, "AlarmModelName");
  const resolved = node === undefined ? undefined : resolveText(node, source.context);
  const path = node?.path ?? source.node.path;
  if (resolved?.ok && resolved.hidden.length === 0) {
    return {
      name: resolved.text,
      baseId: ruleId(resolved.text),
      note: {
        path,
        text: `id ${ruleId(resolved.text)} and name from the alarm model's name ${resolved.text}`,
      },
    };
  }
  const why =
    node === undefined
      ? "no AlarmModelName (CloudFormation makes one up)"
      : resolved?.ok
        ? `AlarmModelName ${resolved.text} is only known once the stack is deployed`
        : `AlarmModelName: ${resolved?.reason}`;
  return {
    name: source.resource,
    baseId: ruleId(source.resource),
    note: {
      path,
      text: `${why}: id ${ruleId(source.resource)} and name from the resource ${source.resource}`,
    },
  };
}

/** A C3 rule id (`^[a-z0-9][a-z0-9-]{0,62}$`) from a name: words split at case changes and symbols. */
export function ruleId(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
  const id = words.join("-").slice(0, MAX_ID).replace(/-+$/, "");
  return id === "" ? "alarm" : id;
}

/** `id`, then `id-2`, `id-3`, ... for ids already taken. */
export function uniqueId(baseId: string, taken: ReadonlySet<string>): string {
  if (!taken.has(baseId)) return baseId;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = `${baseId.slice(0, MAX_ID - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(id)) return id;
  }
}
