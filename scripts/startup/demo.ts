import { connect } from "../../db/connect";
import { DEMO_TENANTS, generateDemoTraces, seedTenants } from "../demo/index";
import { createDemoUsers, type DemoLogin } from "../demo/users";
import type { LocalState } from "./local-state";

/**
 * Fills an embedded database with demo tenants, users and traces the first time it starts.
 * "First" means the database has no users (they are written last): a restart never reseeds
 * or changes passwords.
 */
export async function seedDemoOnFirstStart(url: string, state: LocalState, log: (line: string) => void): Promise<DemoLogin[]> {
  const sql = connect(url, { max: 2, applicationName: "trace-explorer-seed" });
  try {
    const [{ count }] = (await sql`SELECT count(*)::int AS count FROM users`) as unknown as [{ count: number }];
    if (count > 0) return state.readDemoLogins() ?? [];
    const traces = Number(process.env.DEMO_TRACES ?? 3000);
    log(`First start: filling the database with demo data (${traces} traces)…`);
    // A first start cut off mid-seed left traces but no users; start the seed over cleanly.
    await sql`TRUNCATE spans, traces, resources`;
    await seedTenants(sql);
    // A fixed DEMO_SEED writes the same traces every first start (the browser tests use one).
    const seed = process.env.DEMO_SEED ? Number(process.env.DEMO_SEED) : undefined;
    const result = await generateDemoTraces(sql, { traces, seed, logs: true });
    log(`Demo data: ${result.traces} traces, ${result.spans} spans in ${(result.ms / 1000).toFixed(1)} s.`);
    // Written by COPY, not through ingest, which queues each new trace for the sealer: queued here
    // as it would have been, as last written when its spans ended (it stands for past traffic), so
    // the scheduler seals the demo's traces on its first run, as it would such traffic by now.
    await sql`
      WITH seeded AS (UPDATE traces SET updated_at = LEAST(end_time, now()) RETURNING tenant_id, trace_id, updated_at)
      INSERT INTO trace_seal_pending (tenant_id, trace_id, queued_at) SELECT tenant_id, trace_id, updated_at FROM seeded ON CONFLICT DO NOTHING`;
    const [first, second] = DEMO_TENANTS;
    const logins = await createDemoUsers(sql, [first!.id, second!.id]);
    state.writeDemoLogins(logins);
    return logins;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
