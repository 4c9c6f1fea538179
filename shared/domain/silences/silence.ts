import { compileThingGlobs } from "../thingGlob.ts";

/** Silence ids: chosen by the operator (`PUT /silences/{id}`), like rule ids. */
export const SILENCE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Which things a silence covers: every given criterion must hold; at least one is given. */
export interface SilenceMatch {
  /** Globs on the thing name (`*`, `?`), as in rules. */
  readonly things?: readonly string[];
  readonly site?: string;
  readonly line?: string;
}

/**
 * A maintenance window (C4): matching alarms keep their transitions and history but notify no one
 * while `startsAt <= t < endsAt`.
 */
export interface Silence {
  readonly id: string;
  readonly match: SilenceMatch;
  /** Epoch ms, inclusive. */
  readonly startsAt: number;
  /** Epoch ms, exclusive. */
  readonly endsAt: number;
  /** Who created it (IAM ARN on AWS, the local user locally). */
  readonly createdBy: string;
  readonly createdAt: number;
  readonly comment?: string;
}

/** What a silence is matched against: the thing and where the registry says it stands. */
export interface SilenceSubject {
  readonly thingName: string;
  readonly site?: string;
  readonly line?: string;
}

export function silenceMatches(silence: Silence, subject: SilenceSubject): boolean {
  const { things, site, line } = silence.match;
  if (things !== undefined && things.length > 0 && !compileThingGlobs(things).test(subject.thingName)) {
    return false;
  }
  if (site !== undefined && subject.site !== site) return false;
  if (line !== undefined && subject.line !== line) return false;
  return true;
}

export function silenceActiveAt(silence: Silence, at: number): boolean {
  return silence.startsAt <= at && at < silence.endsAt;
}

/** The silence (ending last, if several) that keeps `subject` quiet at `at`, or undefined. */
export function silencing(
  silences: readonly Silence[],
  subject: SilenceSubject,
  at: number,
): Silence | undefined {
  let found: Silence | undefined;
  for (const silence of silences) {
    if (!silenceActiveAt(silence, at) || !silenceMatches(silence, subject)) continue;
    if (!found || silence.endsAt > found.endsAt) found = silence;
  }
  return found;
}
