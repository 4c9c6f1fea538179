/** One line of `plantwatch doctor`: ok, a warning (works, but look), or a failure with what to do. */
export interface CheckResult {
  readonly check: string;
  readonly status: "ok" | "warn" | "fail";
  /** What was found. */
  readonly detail: string;
  /** What to do about a warning or a failure. */
  readonly fix?: string;
}

export interface Subscription {
  readonly protocol: string;
  readonly endpoint: string;
  /** Not confirmed yet: SNS sends it nothing. */
  readonly pending: boolean;
}

export interface AlarmActionItem {
  /** Epoch ms. */
  readonly timestamp: number;
  readonly summary: string;
}

export interface IngestAnswer {
  /** Set when the function threw (`Unhandled`, ...). */
  readonly functionError?: string;
  /** The function's return value (the C6 ingest report) or its error, parsed. */
  readonly payload: unknown;
}

/** The AWS calls the checks make; tests point the adapter at fake endpoints. */
export interface DoctorPorts {
  /** The stack's outputs by key; throws a CliError when the stack does not exist. */
  stackOutputs(): Promise<Readonly<Record<string, string>>>;
  setAlarmState(alarmName: string, state: "ALARM" | "OK", reason: string): Promise<void>;
  /** Action history items of the alarm since `since` (epoch ms), newest first. */
  alarmActions(alarmName: string, since: number): Promise<readonly AlarmActionItem[]>;
  subscriptions(topicArn: string): Promise<readonly Subscription[]>;
  invokeIngest(functionName: string, event: unknown): Promise<IngestAnswer>;
  /** undefined: no such rule. */
  topicRuleDisabled(ruleName: string): Promise<boolean | undefined>;
  queueDepth(queueUrl: string): Promise<{ readonly visible: number; readonly inFlight: number }>;
  now(): number;
  sleep(ms: number): Promise<void>;
}
