/**
 * Per-tenant ingest counters of one request (stored spans, refusals, redactions, what the
 * limits removed), added to the day's totals in `ingest_counters` in the same transaction.
 */
export class TenantCounters {
  private readonly byTenant = new Map<string, Map<string, number>>();

  add(tenantId: string, counter: string, n = 1): void {
    if (n === 0) return;
    let counters = this.byTenant.get(tenantId);
    if (!counters) this.byTenant.set(tenantId, (counters = new Map()));
    counters.set(counter, (counters.get(counter) ?? 0) + n);
  }

  addAll(tenantId: string, counts: Readonly<Record<string, number>>, prefix: string): void {
    for (const name in counts) this.add(tenantId, `${prefix}${name}`, counts[name]!);
  }

  get(tenantId: string, counter: string): number {
    return this.byTenant.get(tenantId)?.get(counter) ?? 0;
  }

  /** Columns for one `unnest` upsert, sorted so concurrent requests lock rows in one order. */
  columns(): { tenantIds: string[]; counters: string[]; values: number[] } {
    const tenantIds: string[] = [];
    const counters: string[] = [];
    const values: number[] = [];
    for (const tenantId of [...this.byTenant.keys()].sort()) {
      const entries = [...this.byTenant.get(tenantId)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [counter, value] of entries) {
        tenantIds.push(tenantId);
        counters.push(counter);
        values.push(value);
      }
    }
    return { tenantIds, counters, values };
  }
}

/** Counter names, as the admin pages read them. */
export const COUNTER = {
  stored: "spans.stored",
  duplicates: "spans.duplicate",
  refusedPrefix: "spans.refused.",
  isolationViolations: "isolation_violations",
  redactionPrefix: "redactions.",
  droppedAttributes: "limits.dropped_attributes",
  droppedEvents: "limits.dropped_events",
  droppedLinks: "limits.dropped_links",
  truncatedValues: "limits.truncated_values",
} as const;

/** The logs signal's own counters; redactions, limits and isolation violations are counted as above. */
export const LOG_COUNTER = {
  stored: "logs.stored",
  duplicates: "logs.duplicate",
  refusedPrefix: "logs.refused.",
} as const;
