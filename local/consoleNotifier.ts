import type { SendReport, TopicMessage, TopicNotifier } from "../shared/ports/notifier.ts";

/**
 * The local stack's e-mail and SMS subscribers: the console. It receives exactly the messages the
 * notify function publishes to the SNS topics (so the console shows what operators would be told,
 * and nothing a silence keeps quiet), and hands each to the console's printer.
 */
export class ConsoleNotifier implements TopicNotifier {
  readonly #print: (message: TopicMessage) => void;

  constructor(print: (message: TopicMessage) => void) {
    this.#print = print;
  }

  async send(message: TopicMessage): Promise<SendReport> {
    this.#print(message);
    return { retries: 0 };
  }
}
