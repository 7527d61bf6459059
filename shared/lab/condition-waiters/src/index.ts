/**
 * Waits that end as soon as their condition holds: each is checked when it starts and again at
 * every `changed()` (a new export kept, a new piece of output), never by polling. Listeners that
 * only want to hear of each change subscribe to the same calls.
 */
export class ConditionWaiters {
  private readonly checks = new Set<() => void>();

  /** Call after each change: runs every pending check and listener. */
  changed(): void {
    for (const check of this.checks) check();
  }

  /** Calls `listener` at each change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.checks.add(listener);
    return () => void this.checks.delete(listener);
  }

  /**
   * Resolves with what `test` returns once it returns something other than undefined; rejects with
   * `failure()` if that has not happened within `timeoutMs`.
   */
  waitFor<T>(test: () => T | undefined, timeoutMs: number, failure: () => Error): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = test();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(failure());
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.checks.delete(check);
      };
      this.checks.add(check);
      check();
    });
  }
}
