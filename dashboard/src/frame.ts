/**
 * Runs each scheduled task at most once per animation frame: a burst of live events (100 devices ×
 * 8 metrics a second) costs one redraw per view per frame, not one per event.
 */
export class FrameScheduler {
  readonly #pending = new Set<() => void>();
  #requested = false;

  schedule(task: () => void): void {
    this.#pending.add(task);
    if (this.#requested) return;
    this.#requested = true;
    requestAnimationFrame(() => this.#flush());
  }

  #flush(): void {
    this.#requested = false;
    const tasks = [...this.#pending];
    this.#pending.clear();
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        console.error("dashboard render failed", error);
      }
    }
  }
}
