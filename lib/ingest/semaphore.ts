export type Release = () => void;

/**
 * Bounds concurrent ingest work: `maxConcurrent` requests run, up to `maxQueued` wait their
 * turn, and beyond that a request is turned away at once (HTTP 429) instead of holding a
 * body in memory while the database catches up.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<(release: Release) => void> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {}

  /** A slot, possibly after waiting; undefined when the queue is full. */
  tryAcquire(): Promise<Release> | undefined {
    if (this.running < this.maxConcurrent) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueued) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  get inUse(): number {
    return this.running;
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `running` stays the same.
      if (next) next(this.releaser());
      else this.running--;
    };
  }
}
