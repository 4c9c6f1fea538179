import { PlantwatchError } from "../../shared/errors.ts";
import type { RuleMessage, RuleOutput, TopicRule } from "./compileTopicRule.ts";
import { IotRulePayloadError } from "./errors.ts";
import { basicIngestTarget, isBasicIngestTopic } from "./topicFilter.ts";

export interface RoutedOutput {
  readonly ruleName: string;
  /** What the rule hands its actions. */
  readonly output: RuleOutput;
}

export interface LocalRulesEngineOptions {
  /**
   * A rule whose action would fail on the message (IotRulePayloadError); on AWS its error action
   * gets the message. The other rules still get theirs. Default: throw, after no further rules.
   */
  readonly onRuleError?: (error: IotRulePayloadError) => void;
}

/**
 * IoT Core's rules engine for the local stack, without the actions: which rules a published message
 * triggers, and what each hands its actions.
 */
export class LocalRulesEngine {
  private readonly rules: ReadonlyMap<string, TopicRule>;
  private readonly onRuleError: (error: IotRulePayloadError) => void;

  constructor(rules: readonly TopicRule[], options: LocalRulesEngineOptions = {}) {
    const byName = new Map<string, TopicRule>();
    for (const rule of rules) {
      if (byName.has(rule.name)) throw new PlantwatchError(`two IoT rules are named "${rule.name}"`);
      byName.set(rule.name, rule);
    }
    this.rules = byName;
    this.onRuleError =
      options.onRuleError ??
      ((error) => {
        throw error;
      });
  }

  get ruleNames(): readonly string[] {
    return [...this.rules.keys()];
  }

  /**
   * Every rule the message triggers, with its output. A Basic Ingest message
   * (`$aws/rules/{ruleName}/{topic}`) reaches only the rule it names, which sees `{topic}`; one that
   * names no rule reaches none (IoT Core counts it as `RuleNotFound`). Reserved `$` topics reach
   * only rules whose filter names them (see topicMatches).
   */
  route(message: RuleMessage): RoutedOutput[] {
    if (isBasicIngestTopic(message.topic)) {
      const target = basicIngestTarget(message.topic);
      const rule = target === undefined ? undefined : this.rules.get(target.ruleName);
      if (target === undefined || rule === undefined) return [];
      return this.collect(rule, () => rule.evaluateBasicIngest({ ...message, topic: target.topic }));
    }
    return [...this.rules.values()].flatMap((rule) => this.collect(rule, () => rule.evaluate(message)));
  }

  private collect(rule: TopicRule, evaluate: () => RuleOutput | undefined): RoutedOutput[] {
    try {
      const output = evaluate();
      return output === undefined ? [] : [{ ruleName: rule.name, output }];
    } catch (error) {
      if (!(error instanceof IotRulePayloadError)) throw error;
      this.onRuleError(error);
      return [];
    }
  }
}
