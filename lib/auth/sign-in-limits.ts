import type { Sql } from "@/db/connect";

export const SIGN_IN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

/**
 * Whether sign-in attempts for this account or from this address are throttled. The count
 * comes from the audit log's recent failures, so it holds across app instances and restarts
 * without a second store of the same facts.
 */
export async function signInThrottled(sql: Sql, email: string, ip: string | null): Promise<boolean> {
  const [row] = await sql<{ account: number; address: number }[]>`
    SELECT count(*) FILTER (WHERE actor_email = ${email})::int AS account,
           count(*) FILTER (WHERE ${ip}::text IS NOT NULL AND ip = ${ip})::int AS address
    FROM audit_log
    WHERE action = 'auth.sign_in' AND outcome IN ('failure', 'denied')
      AND at > now() - make_interval(mins => ${SIGN_IN_WINDOW_MINUTES})`;
  return (row?.account ?? 0) >= MAX_FAILURES_PER_ACCOUNT || (row?.address ?? 0) >= MAX_FAILURES_PER_ADDRESS;
}
