import "server-only";
import type { Sql } from "@/db/connect";

/** Attempts one address may make on one account before a pause (OWASP: 3 to 5). */
export const MAX_FAILURES_PER_PAIR = 5;
/** Attempts one address may make on all accounts together before a pause (password spraying). */
export const MAX_FAILURES_PER_ADDRESS = 20;
/** Attempts that long ago no longer count. */
export const SIGN_IN_WINDOW_MINUTES = 15;
/** The first pause; each further one doubles, up to MAX_PAUSE_MINUTES. */
export const FIRST_PAUSE_SECONDS = 60;
export const MAX_PAUSE_MINUTES = 15;
/** A counter that quiet forgets its earlier pauses too. */
const FORGET_AFTER_HOURS = 24;

/** The per-address row's account: no e-mail is empty. */
const ANY_ACCOUNT = "";

interface Key {
  account: string;
  address: string;
  limit: number;
}

/**
 * Sign-in throttling per (account, address) and per address, following the OWASP
 * Authentication Cheat Sheet: a few attempts, then a pause that doubles with each round (1 min
 * … 15 min) instead of a lockout. Failures from one address never pause the account for
 * another address, so strangers cannot keep its owner out. Each attempt reserves its place in
 * the counter atomically before the password is checked: parallel attempts cannot all pass.
 */
export class SignInThrottle {
  private readonly pair: Key;
  private readonly perAddress: Key;

  constructor(
    private readonly sql: Sql,
    account: string,
    address: string | null,
  ) {
    // An unknown address (no socket address reached the app) is one shared address.
    this.pair = { account, address: address ?? "", limit: MAX_FAILURES_PER_PAIR };
    this.perAddress = { account: ANY_ACCOUNT, address: address ?? "", limit: MAX_FAILURES_PER_ADDRESS };
  }

  /** Reserves one attempt; false when this pair or this address must wait. */
  async reserve(): Promise<boolean> {
    if (!(await this.take(this.pair))) return false;
    if (await this.take(this.perAddress)) return true;
    await this.giveBack(this.pair);
    return false;
  }

  /** The reserved attempt failed: at the limit, the pause starts (and the next will be longer). */
  async failed(): Promise<void> {
    for (const key of [this.pair, this.perAddress]) {
      await this.sql`
        UPDATE sign_in_throttle
        SET strikes = strikes + 1,
            blocked_until = now() + least(make_interval(secs => ${FIRST_PAUSE_SECONDS} * power(2, least(strikes, 16))),
                                          make_interval(mins => ${MAX_PAUSE_MINUTES}))
        WHERE account = ${key.account} AND address = ${key.address} AND attempts >= ${key.limit} AND blocked_until IS NULL`;
    }
  }

  /** The reserved attempt succeeded: the pair starts over, and it did not use the address's budget. */
  async succeeded(): Promise<void> {
    await this.sql`DELETE FROM sign_in_throttle WHERE account = ${this.pair.account} AND address = ${this.pair.address}`;
    await this.giveBack(this.perAddress);
  }

  private async take(key: Key): Promise<boolean> {
    // First bring the row up to date: an ended pause or a quiet window starts a new round.
    await this.sql`
      INSERT INTO sign_in_throttle AS t (account, address) VALUES (${key.account}, ${key.address})
      ON CONFLICT (account, address) DO UPDATE SET
        attempts = CASE WHEN t.blocked_until <= now()
                          OR (t.blocked_until IS NULL AND t.last_attempt_at < now() - make_interval(mins => ${SIGN_IN_WINDOW_MINUTES}))
                        THEN 0 ELSE t.attempts END,
        strikes = CASE WHEN t.last_attempt_at < now() - make_interval(hours => ${FORGET_AFTER_HOURS}) THEN 0 ELSE t.strikes END,
        blocked_until = CASE WHEN t.blocked_until <= now() THEN NULL ELSE t.blocked_until END`;
    // The conditional increment is the atomic part: Postgres re-checks the condition on the
    // row it locked, so of N parallel attempts at most `limit` get a row back.
    const taken = await this.sql`
      UPDATE sign_in_throttle SET attempts = attempts + 1, last_attempt_at = now()
      WHERE account = ${key.account} AND address = ${key.address} AND attempts < ${key.limit} AND blocked_until IS NULL
      RETURNING 1`;
    return taken.length === 1;
  }

  private async giveBack(key: Key): Promise<void> {
    await this.sql`
      UPDATE sign_in_throttle SET attempts = greatest(attempts - 1, 0)
      WHERE account = ${key.account} AND address = ${key.address} AND blocked_until IS NULL`;
  }
}
