import { parse } from "yaml";
import { type MachineModelFile, machineModelFileSchema } from "./kpis.ts";

export type MachineModelsResult =
  | { readonly ok: true; readonly file: MachineModelFile }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads C9 machine models from YAML or JSON text (JSON is YAML): the file, or every problem as
 * `machines.0.running.metric: must ...`. Never throws.
 */
export function loadMachineModels(text: string): MachineModelsResult {
  let value: unknown;
  try {
    value = parse(text.replace(/^\uFEFF/, ""), { uniqueKeys: true });
  } catch (error) {
    return { ok: false, problems: [`cannot read the file: ${(error as Error).message}`] };
  }
  const result = machineModelFileSchema().safeParse(value);
  if (result.success) return { ok: true, file: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`),
  };
}
