import { parse } from "csv-parse/sync";
import { MATCH_FIELDS } from "../../shared/ports/deviceRecords.ts";
import {
  attributeCountProblem,
  attributeNameProblem,
  attributeValueProblem,
  type DeviceSpec,
  thingNameProblem,
} from "./deviceSpec.ts";

/** A problem in a fleet file: its line, and its column (1-based field number) when it has one. */
export interface CsvProblem {
  readonly line: number;
  readonly column?: number;
  readonly columnName?: string;
  readonly message: string;
}

export type FleetCsv =
  | { readonly ok: true; readonly devices: readonly DeviceSpec[] }
  | { readonly ok: false; readonly problems: readonly CsvProblem[] };

export interface FleetCsvOptions {
  /** The thing type the things get, which allows more attributes. */
  readonly thingTypeName?: string;
  /** Only the `thingName` column is needed and read (deprovisioning). */
  readonly namesOnly?: boolean;
}

const REQUIRED = ["thingName", ...MATCH_FIELDS] as const;

/** `fleet.csv:7:1 thingName: "oven 3" is not a valid thing name`. */
export function formatCsvProblem(problem: CsvProblem, file: string): string {
  return problem.column === undefined
    ? `${file}:${problem.line}: ${problem.message}`
    : `${file}:${problem.line}:${problem.column} ${problem.columnName}: ${problem.message}`;
}

/**
 * Reads a fleet file (`thingName,site,line,model,<more attribute columns>`) and checks all of it:
 * every problem is reported, with its line and column, and no device is returned unless there is none.
 * Empty cells leave the attribute out; blank lines are skipped; cells are trimmed.
 */
export function parseFleetCsv(text: string, options: FleetCsvOptions = {}): FleetCsv {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { ok: false, problems: [{ line, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const [header, ...rows] = records;
  if (header === undefined) {
    return {
      ok: false,
      problems: [{ line: 1, message: `empty file: expected the header ${REQUIRED.join(",")}` }],
    };
  }
  const problems: CsvProblem[] = [];
  const columns = header.record;
  const headerLine = header.info.lines;
  const usable = checkHeader(columns, headerLine, options, problems);
  if (rows.length === 0)
    problems.push({ line: headerLine, message: "no devices: the file has only a header" });
  // Without the required columns, or with one twice, the rows cannot be read reliably.
  if (!usable) return { ok: false, problems };

  const devices: DeviceSpec[] = [];
  const firstSeen = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length !== columns.length) {
      problems.push({ line, message: `${record.length} field(s), but the header has ${columns.length}` });
      continue;
    }
    const before = problems.length;
    const cell = (name: string, message: string) => {
      const index = columns.indexOf(name);
      problems.push({ line, column: index + 1, columnName: name, message });
    };
    const values = Object.fromEntries(columns.map((name, index) => [name, record[index] ?? ""]));
    const thingName = values.thingName ?? "";
    const nameProblem = thingNameProblem(thingName);
    if (nameProblem !== undefined) cell("thingName", nameProblem);
    const first = firstSeen.get(thingName);
    if (first !== undefined) cell("thingName", `"${thingName}" appears again (first on line ${first})`);
    else firstSeen.set(thingName, line);
    if (options.namesOnly) {
      if (problems.length === before) devices.push({ thingName, attributes: {} });
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const name of columns) {
      const value = values[name] ?? "";
      if (name === "thingName" || value === "") continue;
      const valueProblem = attributeValueProblem(value);
      if (valueProblem !== undefined) cell(name, valueProblem);
      else if (!(MATCH_FIELDS as readonly string[]).includes(name)) attributes[name] = value;
    }
    const spec: DeviceSpec = {
      thingName,
      ...Object.fromEntries(MATCH_FIELDS.flatMap((field) => (values[field] ? [[field, values[field]]] : []))),
      attributes,
    };
    const countProblem = attributeCountProblem(spec, options.thingTypeName);
    if (countProblem !== undefined) problems.push({ line, message: countProblem });
    if (problems.length === before) devices.push(spec);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, devices };
}

/** Reports header problems; false if the rows cannot be read (a required column missing or one twice). */
function checkHeader(
  columns: readonly string[],
  line: number,
  options: FleetCsvOptions,
  problems: CsvProblem[],
): boolean {
  const required: readonly string[] = options.namesOnly ? ["thingName"] : REQUIRED;
  let usable = true;
  for (const name of required) {
    if (columns.includes(name)) continue;
    problems.push({ line, message: `missing the required column "${name}"` });
    usable = false;
  }
  columns.forEach((name, index) => {
    const at = { line, column: index + 1, columnName: name || "(empty)" };
    if (columns.indexOf(name) !== index) {
      problems.push({ ...at, message: `column "${name}" appears twice` });
      usable = false;
    } else if (!options.namesOnly && !required.includes(name)) {
      const problem = attributeNameProblem(name);
      if (problem !== undefined) problems.push({ ...at, message: problem });
    }
  });
  return usable;
}
