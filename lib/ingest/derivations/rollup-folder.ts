import "server-only";
import type { Sql } from "@/db/connect";
import { foldRollupDeltas } from "./rollup";

/**
 * Folds ingest's rollup deltas into `span_rollup` shortly after they are written: at most one
 * fold at a time, at most one every `intervalMs`, so a busy ingest folds many requests' rows
 * at once and the latency views lag ingest by about that interval. A failed fold leaves its
 * rows in place for the next one.
 */
export class RollupFolder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly sql: Sql,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    // The latency rollup's by default; the service map folds its own deltas the same way.
    private readonly fold: (sql: Sql) => Promise<unknown> = foldRollupDeltas,
  ) {}

  /** Deltas were committed: fold them within the interval. */
  notify(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => void this.run(), this.intervalMs);
    // Pending folds never keep a process alive; the next one picks up what is left.
    this.timer.unref();
  }

  private run(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
    this.running = this.fold(this.sql)
      .then(() => undefined, this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again) this.notify();
      });
    return this.running;
  }
}
