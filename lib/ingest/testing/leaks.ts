import type { Sql } from "@/db/connect";
import { leakCorpus, leakNeedles } from "@trace-explorer/tracing/redaction/corpus";

/** Every row of every table, each as its whole text (all columns). */
async function everyStoredRow(sql: Sql): Promise<{ table: string; text: string }[]> {
  const tables = await sql<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;
  const rows: { table: string; text: string }[] = [];
  for (const { name } of tables) {
    for (const row of await sql<{ text: string }[]>`SELECT x::text AS text FROM ${sql(name)} AS x`) rows.push({ table: name, text: row.text });
  }
  return rows;
}

/** The leak corpus's cases found anywhere in the database, as "<case> in <table>". */
export async function storedLeaks(sql: Sql): Promise<string[]> {
  const rows = await everyStoredRow(sql);
  const found: string[] = [];
  for (const leak of leakCorpus) {
    for (const needle of leakNeedles(leak)) {
      const hit = rows.find((r) => r.text.includes(needle));
      if (hit) found.push(`${leak.name} in ${hit.table}`);
    }
  }
  return found;
}
