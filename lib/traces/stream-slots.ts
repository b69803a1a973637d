import type { StreamLimits } from "./stream-limits";

export type Release = () => void;

/**
 * Counts open trace streams, in total and per user. A stream either gets a slot at once or is
 * refused (HTTP 429): nothing waits, so a refused download holds neither memory nor a connection.
 */
export class StreamSlots {
  private open = 0;
  private readonly byUser = new Map<string, number>();

  constructor(private readonly limits: Pick<StreamLimits, "total" | "perUser">) {}

  tryAcquire(userId: string): Release | undefined {
    const mine = this.byUser.get(userId) ?? 0;
    if (this.open >= this.limits.total || mine >= this.limits.perUser) return undefined;
    this.open++;
    this.byUser.set(userId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      const left = (this.byUser.get(userId) ?? 1) - 1;
      if (left === 0) this.byUser.delete(userId);
      else this.byUser.set(userId, left);
    };
  }

  get inUse(): number {
    return this.open;
  }
}
