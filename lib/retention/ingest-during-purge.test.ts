import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, postOtlp, startIngestServer, type IngestServer } from "@/lib/ingest/testing/fixtures";
import { decodeExportResponse } from "@/lib/ingest/testing/responses";
import { encodeRequest, syntheticRequest } from "@/lib/ingest/testing/synthetic";
import { runRetention } from "./run";
import { currentState, expectedSurvivors, seedHistory } from "./testing/history";

let t: TestDatabase;
let server: IngestServer;
let key: string;
const now = new Date();

beforeAll(async () => {
  t = await createTestDatabase();
  await seedHistory(t.sql, now, [
    { id: "live", retentionDays: 7, keptRetentionDays: 20 },
    { id: "other", retentionDays: 3, keptRetentionDays: 10 },
  ]);
  key = await keyFor(t, "live");
  server = await startIngestServer(t);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

it("loses no span inside retention while purges run, and the purges still remove what expired", async () => {
  const expected = await expectedSurvivors(t.sql, now);
  let sent = 0;
  let purging = true;
  const purges = (async () => {
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await runRetention(t, { trigger: "test", now, batchSize: 7 }));
    purging = false;
    return results;
  })();
  // Exports keep arriving for as long as the purges run, and a little after.
  let batches = 0;
  while (purging || batches < 5) {
    const request = syntheticRequest({ spans: 40, tenants: ["live"], spansPerTrace: 4, startMs: Date.now() - Math.round(3_600_000 * Math.random()) });
    const res = await postOtlp(server.endpoint, { body: encodeRequest(request), key });
    expect(res.status).toBe(200);
    expect(decodeExportResponse(res.body)).toEqual({});
    sent += 40;
    batches++;
  }
  const results = await purges;
  expect(results.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);

  const [stored] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM spans WHERE tenant_id = 'live' AND service <> 'api'`;
  expect(stored!.n).toBe(sent);
  // The seeded history (root service "api") is down to exactly what is inside retention.
  const history = (await currentState(t.sql)).traces.filter((k) => expected.traces.includes(k));
  const [seeded] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM traces WHERE root_service = 'api'`;
  expect(seeded!.n).toBe(expected.traces.length);
  expect(history).toEqual(expected.traces);
});
