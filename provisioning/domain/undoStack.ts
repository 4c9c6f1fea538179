/** What a rollback did, and what it could not undo (each with the reason). */
export interface RollbackReport {
  readonly undone: readonly string[];
  readonly failed: readonly string[];
}

/**
 * The undo actions of what one device's run has made so far. A failure unwinds them newest first:
 * what was attached is detached before what it was attached to is deleted.
 */
export class UndoStack {
  readonly #entries: { readonly description: string; readonly undo: () => Promise<void> }[] = [];

  /** `description` says what undoing did, e.g. "deleted thing oven-3". */
  push(description: string, undo: () => Promise<void>): void {
    this.#entries.push({ description, undo });
  }

  /** Runs every undo action, newest first, going on past failures. */
  async unwind(): Promise<RollbackReport> {
    const undone: string[] = [];
    const failed: string[] = [];
    for (const { description, undo } of this.#entries.splice(0).reverse()) {
      try {
        await undo();
        undone.push(description);
      } catch (error) {
        failed.push(`${description}: ${errorText(error)}`);
      }
    }
    return { undone, failed };
  }
}

/** `Name: message` of an AWS or other error (just the message for a plain `Error`). */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name === "Error" || error.message.startsWith(`${error.name}:`)
    ? error.message
    : `${error.name}: ${error.message}`;
}
