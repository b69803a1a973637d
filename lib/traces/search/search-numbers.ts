import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { AttributeCondition } from "./search-params";

type Fragment = PendingQuery<Row[]>;

/**
 * Where a search looks: its tenants (null: every tenant in scope) and time window. A lookup by
 * id has no window.
 */
export interface SearchWindow {
  tenants: readonly string[] | null;
  from: Date;
  to: Date;
}

/**
 * A numeric condition estimated to match at most this many traces of the window is probed
 * through traces_attribute_numbers_idx; a commoner one is checked row by row while the search
 * walks the window in sort order, which then meets a page of matches within a few thousand
 * rows. Either way the result is the same (search-numbers.test.ts); only the speed differs.
 */
export const NUMBER_PROBE_MAX = 3000;

const NUMBER_OPS = [">", "<", ">=", "<="] as const;
export type NumberCondition = AttributeCondition & { op: (typeof NUMBER_OPS)[number]; value: number };

export function isNumberCondition(c: AttributeCondition): c is NumberCondition {
  return (NUMBER_OPS as readonly string[]).includes(c.op) && typeof c.value === "number";
}

/** The bound as exact decimal text: a float8 parameter would round it differently from the summary's numbers. */
function bound(c: NumberCondition): string {
  return String(c.value);
}

/**
 * The index functions (migration 0010) know only the strict `>` and `<`. An inclusive bound
 * probes with the strict one just outside it (numeric is exact, so 1e-30 off still admits the
 * bound itself): a superset, which numberCondition then narrows to the exact answer.
 */
function probeArgs(tx: TransactionSql, c: NumberCondition): { op: ">" | "<"; bound: Fragment } {
  if (c.op === ">=") return { op: ">", bound: tx`(${bound(c)}::numeric - 1e-30)` };
  if (c.op === "<=") return { op: "<", bound: tx`(${bound(c)}::numeric + 1e-30)` };
  return { op: c.op, bound: tx`${bound(c)}::numeric` };
}

/** The exact condition: some number of `key` in the trace's summary is above (below, or equal to) the bound. */
export function numberCondition(tx: TransactionSql, c: NumberCondition): Fragment {
  return tx`jsonb_path_exists(t.attributes -> ${c.key}, ${`$[*] ? (@ ${c.op} $v)`}::jsonpath, jsonb_build_object('v', ${bound(c)}::numeric))`;
}

/**
 * The traces the index finds for the condition in the window, for `t` to be one of: candidates
 * whose cells could hold a match (migration 0011), which numberCondition then checks exactly.
 */
export function numberProbe(tx: TransactionSql, c: NumberCondition, w: SearchWindow): Fragment {
  const probe = probeArgs(tx, c);
  return tx`(t.tenant_id, t.trace_id) IN (
    SELECT * FROM traces_matching_number(${c.key}, ${probe.op}, ${probe.bound}, ${w.tenants as string[] | null}::text[], ${w.from}, ${w.to}))`;
}

/** The numeric conditions rare enough in the window to probe through the index. */
export async function rareNumberConditions(tx: TransactionSql, conditions: readonly AttributeCondition[], w: SearchWindow): Promise<Set<AttributeCondition>> {
  const rare = new Set<AttributeCondition>();
  for (const c of conditions) {
    if (!isNumberCondition(c)) continue;
    const probe = probeArgs(tx, c);
    const [row] = await tx<{ estimate: number }[]>`
      SELECT traces_matching_number_estimate(${c.key}, ${probe.op}, ${probe.bound}, ${w.tenants as string[] | null}::text[], ${w.from}, ${w.to}) AS estimate`;
    if (row && row.estimate <= NUMBER_PROBE_MAX) rare.add(c);
  }
  return rare;
}
