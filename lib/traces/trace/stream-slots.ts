import type { StreamLimits } from "./stream-limits";

/** How a download ended, for its user's allowance: a client that stopped reading is charged a pause. */
export type Release = (ending?: "completed" | "stalled" | "other") => void;

export interface Refusal {
  message: string;
  retryAfterSeconds: number;
}

interface UserState {
  open: number;
  /** Spans this user may still start downloading; refilled with time, may go negative (a large trace is never refused outright). */
  spans: number;
  refilledAt: number;
  /** Downloads cut in a row because the client stopped reading, and until when the next is refused. */
  stalls: number;
  pausedUntil: number;
}

/**
 * Stalled downloads in a row (none read to the end between them) before the user waits: a
 * browser leaves one unread now and then (a page closed mid-load, a preload no script took),
 * a client that does it on purpose does it again and again.
 */
export const STALLS_BEFORE_PAUSE = 3;
/** The pause after each further stalled download doubles from `stallPenaltyMs`, up to this many times it. */
const MAX_PENALTY_FACTOR = 16;
/** Users remembered before the settled ones are forgotten. */
const FORGET_ABOVE = 1_000;

/**
 * Trace downloads (export, span stream) in this process, in total and per user. A download
 * either starts at once or is refused (HTTP 429 with Retry-After): nothing waits, so a refused
 * one holds neither memory nor a connection.
 *
 * A concurrency cap alone leaves the work of opening a download free to repeat: every export
 * sorts its trace and writes until the sockets' buffers are full (megabytes) before a client
 * that does not read can stall it. So each user also has an allowance of spans per minute
 * (a download is charged its trace's span count; one over the allowance still starts, and the
 * next waits until the balance is positive again), and a client whose downloads were cut for
 * not reading STALLS_BEFORE_PAUSE times in a row waits `stallPenaltyMs` before the next,
 * doubling for each further stall.
 */
export class StreamSlots {
  private open = 0;
  private readonly users = new Map<string, UserState>();

  constructor(
    private readonly limits: Pick<StreamLimits, "total" | "perUser" | "spansPerMinute" | "stallPenaltyMs" | "retryAfterSeconds">,
    private readonly now: () => number = Date.now,
  ) {}

  /** Why this user's next download would be refused now, if it would (takes nothing). */
  refusal(userId: string): Refusal | undefined {
    const user = this.user(userId);
    const now = this.now();
    const wait = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
    if (user.pausedUntil > now) {
      const seconds = wait(user.pausedUntil - now);
      return { message: `your last trace download was ended because it stopped reading; retry in ${seconds} s`, retryAfterSeconds: seconds };
    }
    if (user.spans <= 0) {
      const seconds = wait(((1 - user.spans) / this.limits.spansPerMinute) * 60_000);
      return { message: `you started downloads of more than ${this.limits.spansPerMinute} spans in the last minute; retry in ${seconds} s`, retryAfterSeconds: seconds };
    }
    if (this.open >= this.limits.total || user.open >= this.limits.perUser) {
      return { message: "too many trace downloads open at once; finish one or retry shortly", retryAfterSeconds: this.limits.retryAfterSeconds };
    }
    return undefined;
  }

  /** A slot for a download of `spans` spans, or why not. */
  tryAcquire(userId: string, spans: number): { release: Release } | { refused: Refusal } {
    const refused = this.refusal(userId);
    if (refused) return { refused };
    const user = this.user(userId);
    this.open++;
    user.open++;
    user.spans -= spans;
    let released = false;
    const release: Release = (ending = "other") => {
      if (released) return;
      released = true;
      this.open--;
      user.open--;
      if (ending === "completed") user.stalls = 0;
      if (ending === "stalled" && ++user.stalls >= STALLS_BEFORE_PAUSE) {
        const factor = Math.min(2 ** (user.stalls - STALLS_BEFORE_PAUSE), MAX_PENALTY_FACTOR);
        user.pausedUntil = Math.max(user.pausedUntil, this.now() + this.limits.stallPenaltyMs * factor);
      }
    };
    return { release };
  }

  get inUse(): number {
    return this.open;
  }

  /** The user's state with the allowance refilled to now; users back to a clean state are forgotten, so the map stays small. */
  private user(userId: string): UserState {
    const now = this.now();
    const cap = this.limits.spansPerMinute;
    let user = this.users.get(userId);
    if (!user) {
      user = { open: 0, spans: cap, refilledAt: now, stalls: 0, pausedUntil: 0 };
      this.users.set(userId, user);
    }
    user.spans = this.balance(user, now);
    user.refilledAt = now;
    if (this.users.size > FORGET_ABOVE) this.forgetSettled(now);
    return user;
  }

  /** Drops users with nothing open, no pause pending or remembered, and a full allowance: their state is the initial one. */
  private forgetSettled(now: number): void {
    for (const [id, user] of this.users) {
      const full = this.balance(user, now) >= this.limits.spansPerMinute;
      if (user.open === 0 && full && user.pausedUntil <= now - this.limits.stallPenaltyMs * MAX_PENALTY_FACTOR) this.users.delete(id);
    }
  }

  /** The user's allowance refilled to `now`, never beyond one minute's worth. */
  private balance(user: UserState, now: number): number {
    const cap = this.limits.spansPerMinute;
    return Math.min(cap, user.spans + ((now - user.refilledAt) / 60_000) * cap);
  }
}
