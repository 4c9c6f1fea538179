/**
 * Globs on thing names (`*` any run, `?` one character, anything else itself, anchored at both
 * ends); a list matches a name if any of its globs does. The rules' `match.things` and the
 * silences' `match.things` mean the same.
 */
export interface ThingMatcher {
  /** `work`, when given, is credited with every step taken: for tests and benches of the bound. */
  test(thingName: string, work?: GlobWork): boolean;
}

/** Steps a matcher took; at most (n + 2)·(m + 1) per glob, for a name of n and a glob of m characters. */
export interface GlobWork {
  steps: number;
}

const STAR = 42; // "*"
const ANY = 63; // "?"

/**
 * Globs come from API requests and the CLI, so matching must not backtrack without bound: the
 * regular expression this replaced took seconds for `*0*0*0*0*0*0*0*0*0*0*c` against 40 zeros.
 */
export function compileThingGlobs(globs: readonly string[]): ThingMatcher {
  const patterns = [...globs];
  return {
    test: (thingName, work) => patterns.some((glob) => matchesGlob(glob, thingName, work)),
  };
}

/**
 * The two-pointer wildcard match. When the characters after a star stop matching, only the last
 * star takes one more character and the rest is tried again: an earlier star never needs to, as
 * whatever it could take the last star can take instead. So each name position is resumed from at
 * most once and each resumption walks at most the glob: O(n·m), with no backtracking stack.
 */
function matchesGlob(glob: string, name: string, work: GlobWork | undefined): boolean {
  let g = 0;
  let n = 0;
  let lastStar = -1;
  // Where the name resumes after the last star, which then takes everything before it.
  let resume = 0;
  let steps = 0;
  while (n < name.length) {
    steps++;
    const char = g < glob.length ? glob.charCodeAt(g) : -1;
    if (char === STAR) {
      lastStar = g++;
      resume = n;
    } else if (char === ANY || (char >= 0 && char === name.charCodeAt(n))) {
      g++;
      n++;
    } else if (lastStar >= 0) {
      g = lastStar + 1;
      n = ++resume;
    } else {
      break;
    }
  }
  while (n === name.length && g < glob.length && glob.charCodeAt(g) === STAR) {
    steps++;
    g++;
  }
  if (work !== undefined) work.steps += steps;
  return n === name.length && g === glob.length;
}
