import type { TransactionSql } from "postgres";

/**
 * A transaction that counts the decoded spans a reader hands Postgres as JSON (read.ts
 * `segmentRecordset`, the one statement spelling `jsonb_to_recordset`): readers that build
 * their answer in Node send none, or only the one span they show.
 */
export function recordsetSpy(tx: TransactionSql): { tx: TransactionSql; spansSent: () => number } {
  let sent = 0;
  const spy = new Proxy(tx, {
    apply(target, self, args: unknown[]) {
      const [strings, records] = args;
      if (Array.isArray(strings) && strings.join("").includes("jsonb_to_recordset")) sent += (JSON.parse(records as string) as unknown[]).length;
      return Reflect.apply(target, self, args) as unknown;
    },
  });
  return { tx: spy, spansSent: () => sent };
}
