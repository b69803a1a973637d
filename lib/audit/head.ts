import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Sql } from "@/db/connect";
import { auditHeadMac } from "./mac";

/** The chain's newest row as an auditor records it: position, hash and the keyed MAC of both. */
export interface AuditHead {
  seq: number;
  hash: string;
  mac: string;
  at: string;
}

const recordedHead = z.object({
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RecordedHead = z.infer<typeof recordedHead>;

/** The head now, sealed with the key; null while the log is empty. */
export async function currentAuditHead(sql: Sql, key: string, now = new Date()): Promise<AuditHead | null> {
  const [row] = await sql<{ seq: string | null; hash: string | null }[]>`SELECT seq::text, hash FROM audit_log_head()`;
  if (!row?.seq || !row.hash) return null;
  const seq = Number(row.seq);
  return { seq, hash: row.hash, mac: auditHeadMac(key, seq, row.hash), at: now.toISOString() };
}

/** Where the app appends the heads it publishes: AUDIT_HEAD_FILE, else <TE_DATA_DIR or .data>/audit-head.jsonl. */
export function auditHeadFile(): string {
  return process.env.AUDIT_HEAD_FILE || path.resolve(process.env.TE_DATA_DIR ?? ".data", "audit-head.jsonl");
}

/**
 * Appends one head as a JSON line. The file is outside the database, so someone who can only
 * write the database cannot rewrite the heads it already holds.
 */
export function appendAuditHead(file: string, head: AuditHead): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(head)}\n`, { mode: 0o600 });
}

/** The newest head in a file of JSON lines, or null when there is none. Malformed lines are an error. */
export function lastRecordedHead(file: string): RecordedHead | null {
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
  const last = lines.at(-1);
  return last === undefined ? null : parseRecordedHead(last);
}

/** A head given as JSON (a line of the head file, the endpoint's answer) or as `<seq>:<mac>`. */
export function parseRecordedHead(text: string): RecordedHead {
  const short = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  let value: unknown;
  try {
    value = short ? { seq: Number(short[1]), mac: short[2] } : JSON.parse(text);
  } catch {
    throw new Error(`Not a recorded audit head: ${text.slice(0, 80)}`);
  }
  const parsed = recordedHead.safeParse(value);
  if (!parsed.success) throw new Error(`Not a recorded audit head (${parsed.error.issues[0]?.message}): ${text.slice(0, 80)}`);
  return parsed.data;
}
