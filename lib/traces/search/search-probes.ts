import "server-only";
import type { TransactionSql } from "postgres";
import type { AttributeCondition } from "./search-params";
import { rareNumberConditions, type SearchWindow } from "./search-numbers";
import { attributeCondition } from "./search-sql";

/** The newest traces of the window an equality condition is tried on, to tell common from rare. */
const EQUALITY_SAMPLE = 1000;
/**
 * An equality condition matching at least this share of the sample is only checked row by row
 * while the search walks the window in sort order: it meets a page of 50 matches within a few
 * thousand rows. A rarer one goes through the attributes index, which lists every match: for
 * a value one trace in sixteen carries, 13,700 of them read across the whole table (130 ms on
 * the benchmark database, against 3 ms for the walk).
 */
const EQUALITY_WALK_SHARE = 0.02;

/**
 * The attribute conditions of a search that go through an index (search-sql.ts): numeric ones
 * estimated rare (search-numbers.ts) and `key = value` ones rare among the window's newest
 * traces. The rest are checked row by row; the results are the same either way.
 */
export async function probedConditions(tx: TransactionSql, conditions: readonly AttributeCondition[], w: SearchWindow): Promise<Set<AttributeCondition>> {
  const probed = await rareNumberConditions(tx, conditions, w);
  const equalities = conditions.filter((c) => c.op === "=");
  if (equalities.length === 0) return probed;
  // One read of the sample for every equality condition: how many of its traces each matches.
  const tenants = w.tenants ? tx`AND t.tenant_id = ANY(${w.tenants as string[]}::text[])` : tx``;
  const hits = equalities.map((c) => tx`count(*) FILTER (WHERE ${attributeCondition(tx, c)})::int`);
  const [row] = await tx<{ n: number; hits: number[] }[]>`
    SELECT count(*)::int AS n, ARRAY[${hits.reduce((acc, h) => tx`${acc}, ${h}`)}] AS hits
    FROM (SELECT t.attributes FROM traces t
          WHERE t.start_time >= ${w.from} AND t.start_time < ${w.to} ${tenants}
          ORDER BY t.start_time DESC LIMIT ${EQUALITY_SAMPLE}) t`;
  equalities.forEach((c, i) => {
    if (!row || row.hits[i]! < row.n * EQUALITY_WALK_SHARE) probed.add(c);
  });
  return probed;
}
