/**
 * Turns taken one at a time, first come first served. Large trace downloads do their work (a
 * batch read from Postgres and encoded) only in their turn and give it up while they wait for
 * their client, so however many are open, together they keep at most about one core busy
 * (the database's share and this process's): on a small machine the other core stays free for
 * ingest, search and the pages, and a viewer who opens large downloads over and over and
 * leaves them unread costs the others no more than one reader would.
 */
export class DownloadTurns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  take(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the turn to the next in line, if any. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
