import { z } from "zod";

const hours = z.coerce.number().positive().max(24 * 30);

/**
 * How long a session lasts from sign-in, in seconds (`AUTH_SESSION_MAX_AGE_HOURS`, default 12):
 * an absolute limit that refreshing the session cookie never extends. Throws on a value that
 * is not a number of hours between 0 and 720.
 */
export function sessionLifetimeSeconds(env: Record<string, string | undefined>): number {
  const raw = env.AUTH_SESSION_MAX_AGE_HOURS;
  if (raw === undefined || raw.trim() === "") return 12 * 60 * 60;
  const parsed = hours.safeParse(raw);
  if (!parsed.success) throw new Error(`AUTH_SESSION_MAX_AGE_HOURS=${raw}: give a number of hours above 0 and at most 720.`);
  return Math.round(parsed.data * 60 * 60);
}

/** Whether a session token's end (epoch seconds, set at sign-in) is still ahead. */
export function withinLifetime(sessionExpiresAt: unknown, nowMs = Date.now()): boolean {
  return typeof sessionExpiresAt === "number" && sessionExpiresAt * 1000 > nowMs;
}
