import { alarmNaming, uniqueId } from "./alarmNaming.ts";
import { collectSources, type Finding, type SourceDocument } from "./collectSources.ts";
import { mapAlarmModel } from "./mapAlarmModel.ts";
import type { Migration, MigrationOptions } from "./migration.ts";

/**
 * AWS IoT Events definitions (alarm models, inputs, detector models from any number of templates and
 * `describe-*` outputs) → C3 rules with every decision noted. Pure: the files are read by the caller.
 * The migration is whole only when every alarm model became a rule that does all it did and nothing
 * was refused; steps outside the rules file (notification subscribers, device attributes) do not
 * make it partial, they are listed as things to do.
 */
export function migrateIotEvents(documents: readonly SourceDocument[], options: MigrationOptions): Migration {
  const sources = collectSources(documents);
  const taken = new Set<string>();
  const alarms = sources.alarmModels.map((source) => {
    const naming = alarmNaming(source);
    const id = uniqueId(naming.baseId, taken);
    taken.add(id);
    const note =
      id === naming.baseId
        ? naming.note
        : { ...naming.note, text: `${naming.note.text} (${id}: ${naming.baseId} was taken)` };
    return mapAlarmModel(source, { ...naming, id, note }, options, sources.inputs);
  });
  const inputs = sources.inputs.map(
    (input): Finding => ({
      file: input.file,
      resource: input.resource,
      path: input.path,
      message: `input ${input.name ?? input.resource}: not needed; devices publish C2 telemetry to dt/plantwatch/{thingName}/telemetry instead${
        input.attributes.length > 0 ? ` (its attributes: ${input.attributes.join(", ")})` : ""
      }`,
    }),
  );
  return {
    alarms,
    refused: sources.refused,
    inputs,
    ignored: sources.ignored,
    whole: sources.refused.length === 0 && alarms.every((alarm) => alarm.status === "whole"),
  };
}
