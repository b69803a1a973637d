/**
 * Who may send and write ingest requests at once, shared fairly between sources (a tenant, or
 * a multi-tenant key). A request is admitted before its body is read, holds buffer bytes while
 * the body arrives, and only then waits for one of `maxConcurrent` write slots, so a slow body
 * never holds a slot. Everything admitted is bounded:
 *
 * - requests: `maxAdmitted` in all, `maxAdmittedPerSource` per source (beyond: 429);
 * - memory: `maxBufferedBytes` of bodies in all, `maxBufferedBytesPerSource` per source
 *   (beyond: 429), so queued bodies never exceed those bytes whatever the clients do;
 * - slots: a freed slot goes to the waiting source that holds the fewest slots (first come
 *   among equals), so a source with many requests runs all slots only while no other waits.
 */
export interface AdmissionLimits {
  maxConcurrent: number;
  maxAdmitted: number;
  maxAdmittedPerSource: number;
  maxBufferedBytes: number;
  maxBufferedBytesPerSource: number;
}

interface SourceState {
  admitted: number;
  bytes: number;
  running: number;
  waiting: (() => void)[];
}

export interface Admitted {
  /** Accounts `bytes` more of body; false when that would pass a byte budget (nothing is taken). */
  reserve(bytes: number): boolean;
  /** Resolves once this request holds a write slot. */
  slot(): Promise<void>;
  /** Frees the slot, the bytes and the place; idempotent. */
  release(): void;
}

export class IngestAdmission {
  private admitted = 0;
  private bytes = 0;
  private running = 0;
  private readonly sources = new Map<string, SourceState>();
  /** Sources with a waiting request, oldest first. */
  private readonly queue: string[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  tryAdmit(source: string): Admitted | undefined {
    const state = this.sources.get(source) ?? { admitted: 0, bytes: 0, running: 0, waiting: [] };
    if (this.admitted >= this.limits.maxAdmitted || state.admitted >= this.limits.maxAdmittedPerSource) return undefined;
    this.sources.set(source, state);
    this.admitted++;
    state.admitted++;
    let bytes = 0;
    let holdsSlot = false;
    let waitingGrant: (() => void) | undefined;
    let released = false;
    return {
      reserve: (n) => {
        if (this.bytes + n > this.limits.maxBufferedBytes || state.bytes + n > this.limits.maxBufferedBytesPerSource) return false;
        this.bytes += n;
        state.bytes += n;
        bytes += n;
        return true;
      },
      slot: () =>
        new Promise<void>((resolve) => {
          const grant = () => {
            holdsSlot = true;
            waitingGrant = undefined;
            resolve();
          };
          if (this.running < this.limits.maxConcurrent) {
            this.running++;
            state.running++;
            grant();
          } else {
            waitingGrant = grant;
            state.waiting.push(grant);
            if (state.waiting.length === 1) this.queue.push(source);
          }
        }),
      release: () => {
        if (released) return;
        released = true;
        this.bytes -= bytes;
        state.bytes -= bytes;
        this.admitted--;
        state.admitted--;
        if (holdsSlot) {
          state.running--;
          this.running--;
          this.grantNext();
        } else if (waitingGrant) {
          state.waiting.splice(state.waiting.indexOf(waitingGrant), 1);
          if (state.waiting.length === 0) this.queue.splice(this.queue.indexOf(source), 1);
        }
        if (state.admitted === 0) this.sources.delete(source);
      },
    };
  }

  get inUse(): number {
    return this.running;
  }

  /** The freed slot to the waiting source running the fewest (the longest waiting among equals). */
  private grantNext(): void {
    if (this.queue.length === 0) return;
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) {
      if (this.sources.get(this.queue[i]!)!.running < this.sources.get(this.queue[best]!)!.running) best = i;
    }
    const source = this.queue[best]!;
    const state = this.sources.get(source)!;
    const grant = state.waiting.shift()!;
    this.queue.splice(best, 1);
    if (state.waiting.length > 0) this.queue.push(source);
    this.running++;
    state.running++;
    grant();
  }
}
