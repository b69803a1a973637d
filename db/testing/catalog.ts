import type { Sql } from "../connect";

/**
 * The tables, columns, constraints, indexes and enums of the public schema, one line each, as
 * Postgres prints them: comparing two databases' lines compares what they hold, whichever SQL
 * created it. Daily span partitions are left out (they copy `spans`); so are row-level security
 * and grants, which db/sql/ describes.
 */
export async function schemaCatalog(sql: Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    WITH rel AS (
      SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    )
    SELECT 'table ' || relname AS line FROM rel
    UNION ALL
    SELECT format('column %s.%s %s%s%s%s', r.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                  CASE WHEN a.attgenerated = 's' THEN ' generated ' WHEN d.adbin IS NOT NULL THEN ' default ' ELSE '' END,
                  pg_get_expr(d.adbin, d.adrelid))
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
    UNION ALL
    SELECT format('constraint %s.%s %s', r.relname, k.conname, pg_get_constraintdef(k.oid))
    FROM rel r JOIN pg_constraint k ON k.conrelid = r.oid AND k.contype <> 'n'
    UNION ALL
    SELECT 'index ' || replace(replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON '), 'public.', '')
    FROM rel r JOIN pg_index i ON i.indrelid = r.oid
    UNION ALL
    SELECT format('enum %s %s', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder))
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE n.nspname = 'public' GROUP BY t.typname`;
  return rows.map((r) => r.line).sort();
}
