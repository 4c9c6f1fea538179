/**
 * What one hostile input did to a surface, and the tally of a run. A surface answers with a verdict;
 * anything it throws, and anything that takes longer than a person would wait, is a crash.
 */

export type Verdict =
  | { readonly kind: "refused"; readonly reasons: readonly string[] }
  | { readonly kind: "accepted" }
  | { readonly kind: "crash"; readonly error: string };

export interface HostileInputsRow {
  readonly surface: string;
  readonly inputs: number;
  readonly refused: number;
  readonly accepted: number;
  readonly crashes: number;
  /** Distinct reason codes seen, sorted. */
  readonly reasons: readonly string[];
  /** The first crashing input and its error. */
  readonly firstCrash?: string;
}

/**
 * Several seconds on one input is a hang for an ingest invocation or an API request. A synchronous
 * hang blocks the event loop, so no timer can interrupt it: it is measured once it ends (or, if it
 * never does, the caller's own timeout reports it).
 */
export const HANG_MS = 5_000;

const MAX_SHOWN_INPUT = 300;

export async function tally<I>(
  surface: string,
  inputs: readonly I[],
  attempt: (input: I) => Promise<Verdict>,
  show: (input: I) => string,
): Promise<HostileInputsRow> {
  let refused = 0;
  let accepted = 0;
  let crashes = 0;
  let firstCrash: string | undefined;
  const reasons = new Set<string>();
  for (const input of inputs) {
    const started = performance.now();
    let verdict: Verdict;
    try {
      verdict = await attempt(input);
    } catch (error) {
      verdict = { kind: "crash", error: `threw ${describeError(error)}` };
    }
    const elapsed = performance.now() - started;
    if (verdict.kind !== "crash" && elapsed > HANG_MS) {
      verdict = { kind: "crash", error: `took ${Math.round(elapsed)} ms (hang)` };
    }
    if (verdict.kind === "refused") {
      refused++;
      for (const reason of verdict.reasons) reasons.add(reason);
    } else if (verdict.kind === "accepted") {
      accepted++;
    } else {
      crashes++;
      firstCrash ??= `${clip(show(input))} -> ${verdict.error}`;
    }
  }
  return {
    surface,
    inputs: inputs.length,
    refused,
    accepted,
    crashes,
    reasons: [...reasons].sort(),
    ...(firstCrash === undefined ? {} : { firstCrash }),
  };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Inputs can be megabytes of brackets: the report keeps their start and says how long they were. */
export function clip(text: string): string {
  return text.length <= MAX_SHOWN_INPUT
    ? text
    : `${text.slice(0, MAX_SHOWN_INPUT)}… (${text.length} characters)`;
}
