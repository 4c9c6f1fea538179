/**
 * Names of the deployment's own CloudWatch alarms, shared by the stack (OpsAlarms) and
 * `plantwatch doctor`. Dependency-free, so the CLI can import it without loading the CDK.
 */
export function opsAlarmName(prefix: string, name: string): string {
  return `${prefix}-${name}`;
}

/** The alarm on "messages are waiting in the dead-letter queue". */
export function deadLetterAlarmName(prefix: string): string {
  return opsAlarmName(prefix, "dead-letters");
}
