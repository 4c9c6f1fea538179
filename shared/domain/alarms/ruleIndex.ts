import { groupBy } from "../../collections.ts";
import type { DeviceRecord } from "../../ports/deviceRegistry.ts";
import type { RuleSet } from "../../ports/ruleSource.ts";
import { compileThingGlobs, type ThingMatcher } from "../thingGlob.ts";
import type { AlarmRule, OfflineRule, RateRule, RuleMatch, ThresholdRule } from "./rule.ts";

export type SampleRule = ThresholdRule | RateRule;

/** The rules that apply to one thing: sample rules by metric, and its offline rules. */
export interface ThingRules {
  readonly byMetric: ReadonlyMap<string, readonly SampleRule[]>;
  readonly offline: readonly OfflineRule[];
  readonly byId: ReadonlyMap<string, AlarmRule>;
}

const EMPTY: ThingRules = { byMetric: new Map(), offline: [], byId: new Map() };

/**
 * Rules indexed so that the work per sample depends on the rules that match its thing and metric,
 * not on how many rules exist: the match against a thing is computed once per thing (and device
 * record) and cached until the rule set changes.
 */
export class RuleIndex {
  readonly version: string;
  readonly rules: readonly AlarmRule[];
  readonly #compiled: readonly { rule: AlarmRule; things?: ThingMatcher }[];
  readonly #byThing = new Map<string, { device: DeviceRecord | undefined; rules: ThingRules }>();
  readonly #byId: ReadonlyMap<string, AlarmRule>;

  constructor(ruleSet: RuleSet) {
    this.version = ruleSet.version;
    this.rules = ruleSet.rules;
    this.#compiled = ruleSet.rules.map((rule) => ({ rule, ...compileMatch(rule.match) }));
    this.#byId = new Map(ruleSet.rules.map((rule) => [rule.id, rule]));
  }

  rule(id: string): AlarmRule | undefined {
    return this.#byId.get(id);
  }

  forThing(thingName: string, device: DeviceRecord | undefined): ThingRules {
    const cached = this.#byThing.get(thingName);
    if (cached && cached.device === device) return cached.rules;
    const rules = this.#match(thingName, device);
    // Bounded: a container sees a bounded fleet, but never let a scan of names grow it forever.
    if (this.#byThing.size >= 50_000) this.#byThing.clear();
    this.#byThing.set(thingName, { device, rules });
    return rules;
  }

  #match(thingName: string, device: DeviceRecord | undefined): ThingRules {
    const matched = this.#compiled
      .filter(({ rule, things }) => matches(rule.match, things, thingName, device))
      .map(({ rule }) => rule);
    if (matched.length === 0) return EMPTY;
    const offline = matched.filter((rule): rule is OfflineRule => rule.kind === "offline");
    const sampleRules = matched.filter((rule): rule is SampleRule => rule.kind !== "offline");
    return {
      byMetric: groupBy(sampleRules, (rule) => rule.metric),
      offline,
      byId: new Map(matched.map((rule) => [rule.id, rule])),
    };
  }
}

function compileMatch(match: RuleMatch): { things?: ThingMatcher } {
  if (!match.things || match.things.length === 0) return {};
  return { things: compileThingGlobs(match.things) };
}

function matches(
  match: RuleMatch,
  things: ThingMatcher | undefined,
  thingName: string,
  device: DeviceRecord | undefined,
) {
  if (things && !things.test(thingName)) return false;
  if (match.site !== undefined && device?.site !== match.site) return false;
  if (match.line !== undefined && device?.line !== match.line) return false;
  if (match.model !== undefined && device?.model !== match.model) return false;
  return true;
}
