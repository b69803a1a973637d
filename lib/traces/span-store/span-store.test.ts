import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@/db/connect";
import { checkedTraceIdUuid } from "@/db/span-codec/ids";
import type { TenantScope } from "@/db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { SegmentError } from "@/lib/traces/segments/bytes";
import { recordsetSpy } from "@/lib/traces/testing/recordset-spy";
import { makeQuiet } from "@/lib/traces/testing/sealed-twin";
import { insertSyntheticTrace } from "@/lib/traces/testing/synthetic-trace";
import { writeOtlpExport } from "@/lib/traces/trace/otlp-export";
import { spanChunkLines, spanStreamBytes } from "@/lib/traces/trace/spans-stream";
import { findInTrace } from "@/lib/traces/trace/trace-find";
import { findTraceHeader } from "@/lib/traces/trace/trace-header";
import { lineageHref } from "@/lib/traces/trace/trace-lineage-link";
import { readSpanDetail } from "@/lib/traces/trace/trace-span";
import { SpanStreamDecoder } from "@/lib/waterfall/span-binary-decoder";
import { formatSpanId } from "@/lib/waterfall/span-ids";
import { SPAN_COLUMN_NAMES } from "./columns";
import { SEAL_LOCK_KEY, sealTraces, type SealOptions } from "./seal";

// Every whole-trace reader returns for a sealed trace, and for one with sealed segments and
// late rows, exactly what it returns for the same spans stored as rows: a twin of each trace,
// copied row for row into tenant "twin" and never sealed, is the reference.

let t: TestDatabase;
const ALPHA: TenantScope = { all: false, tenantIds: ["alpha"] };
const TWIN: TenantScope = { all: false, tenantIds: ["twin"] };
const BETA: TenantScope = { all: false, tenantIds: ["beta"] };

const SEALED = "1af7651916cd43dd8448eb211c803101";
const MIXED = "1af7651916cd43dd8448eb211c803102";
const UNSEALED = "1af7651916cd43dd8448eb211c803103";
const ODD = "1af7651916cd43dd8448eb211c803104";
const TRACES = [SEALED, MIXED, UNSEALED, ODD];
const uuid = checkedTraceIdUuid;
// As text: a JavaScript object literal would take "__proto__" as its prototype, not a key.
const ODD_ATTRIBUTES = '{"__proto__": {"$int": "-9223372036854775808"}, "€": [1.5, -0.25, {"$double": "NaN"}], "k": {"$kvlist": {"a": null, "b": "x\\ny"}}, "": "odd"}';
const ODD_EVENTS = '[{"name": "exception", "timeUnixNano": "1", "attributes": {"exception.message": "odd\\nline"}, "droppedAttributesCount": 2}]';
// A link whose span id is not a string: the span stream asks Postgres for such a segment's tuples.
const ODD_LINKS = `[{"traceId": "${ODD.toUpperCase()}", "spanId": 12345, "attributes": {}}, {"traceId": "${SEALED}", "spanId": "00f067aa0ba902b7", "attributes": {}}]`;

/** Small segments, so a trace is several of them. */
const SEAL: SealOptions = { now: new Date(), quietMinutes: 30, maxSegmentSpans: 128 };
const seal = (options: Partial<SealOptions> = {}) => sealTraces(t.url, { ...SEAL, now: new Date(), ...options });

/** Copies a tenant's rows of `table` matching `where` into tenant "twin", every column as it is. */
async function copyToTwin(table: string, where: string) {
  await t.sql.unsafe(`
    INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table}, to_jsonb(x) || '{"tenant_id": "twin"}')).*
    FROM ${table} x WHERE x.tenant_id = 'alpha' AND ${where}`);
}

/** Everything the whole-trace readers return for the trace, the tenant's name taken out of the lineage link. */
async function view(scope: TenantScope, traceId: string) {
  return t.asReader(scope, async (tx) => {
    const header = await findTraceHeader(tx, scope, traceId);
    if (!header) return null;
    const tuples: string[] = [];
    for await (const line of spanChunkLines(tx, header, 100)) for (const tuple of JSON.parse(line) as unknown[]) tuples.push(JSON.stringify(tuple));
    tuples.sort();
    // The binary stream as the waterfall decodes it, span by span (sealed segments go to frames from their columns).
    const frames: string[] = [];
    const decoder = new SpanStreamDecoder((b) => {
      for (let i = 0; i < b.n; i++) {
        const id = formatSpanId(b.ids[2 * i]!, b.ids[2 * i + 1]!);
        const parent = b.hasParent[i] ? formatSpanId(b.parents[2 * i]!, b.parents[2 * i + 1]!) : "";
        frames.push(JSON.stringify([id, parent, b.startUs[i], b.durationNs[i], b.strings[b.service[i]!], b.strings[b.name[i]!], b.kind[i], b.status[i], b.events.get(i) ?? null, b.links.get(i) ?? null]));
      }
    });
    for await (const bytes of spanStreamBytes(tx, header, 100)) decoder.push(bytes);
    decoder.end();
    frames.sort();
    const ids = tuples.map((j) => (JSON.parse(j) as string[])[0]!);
    // The root, a job, an error, an evented span and a few more, by position in the sorted ids.
    const sample = [...new Set([header.rootSpanId!, ...ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 6)) === 0)])];
    const details = [];
    for (const spanId of sample) details.push(await readSpanDetail(tx, scope, { traceId, spanId }));
    const finds = [];
    for (const text of ["synthetic failure", "checkpoint", "job_1", "ORDERS WHERE id = 7", "late", "odd", "no such text", "1.5", "$INT", "nline", "ny", "75808", "TRUE", "x=1"]) {
      finds.push(((await findInTrace(tx, scope, { traceId, text })) ?? []).sort());
    }
    let exported = "";
    await writeOtlpExport(tx, header, async (chunk) => {
      exported += chunk;
    });
    const body = JSON.parse(exported) as { resourceSpans: { resource: unknown; scopeSpans: { scope: unknown; spans: unknown[] }[] }[] };
    const otlp = body.resourceSpans
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => JSON.stringify({ resource: rs.resource, scope: ss.scope, span }))))
      .sort();
    const lineage = (await lineageHref(tx, header))?.replace(/tenant=[a-z]+/, "tenant=_") ?? null;
    return { tuples, frames, details, finds, otlp, lineage };
  });
}

async function expectSameAsRows(traceId: string) {
  const sealed = await view(ALPHA, traceId);
  const rows = await view(TWIN, traceId);
  expect(rows).not.toBeNull();
  expect(sealed!.tuples.length).toBe(rows!.tuples.length);
  expect(sealed!.frames.length).toBe(rows!.tuples.length);
  expect(sealed).toEqual(rows);
}

const rowCount = async (traceId: string, tenant = "alpha") =>
  (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM spans WHERE tenant_id = ${tenant} AND trace_id = ${uuid(traceId)}::uuid`)[0]!.n;
const segments = (traceId: string) =>
  t.sql<{ seq: number; span_count: number; md5: string }[]>`
    SELECT seq, span_count, md5(segment) AS md5 FROM span_segments WHERE tenant_id = 'alpha' AND trace_id = ${uuid(traceId)}::uuid ORDER BY seq`;
/** Quiet for an hour and in the sealer's queue (as ingest or tail sampling queues it): due for the sealer. */
const quiet = (traceId: string) => makeQuiet(t.sql, "alpha", uuid(traceId));

/** Late spans of the trace, as rows, in both tenants: copies of three spans under new ids, and `shadow` sent again with a new attribute. */
async function lateSpans(traceId: string, shadow: string) {
  for (const tenant of ["alpha", "twin"]) {
    await t.sql`
      INSERT INTO spans (${t.sql(SPAN_COLUMN_NAMES)})
      SELECT ${tenant}::text, trace_id, span_id # 4611686018427387904, parent_span_id, trace_state, request_id, service, 'late ' || name, kind,
             start_time, start_sub_us_ns, duration_ns, status_code, status_message, attributes, events, links, resource_id, scope_id, flags,
             dropped_attributes_count, dropped_events_count, dropped_links_count
      FROM spans WHERE tenant_id = 'twin' AND trace_id = ${uuid(traceId)}::uuid AND name NOT LIKE 'late %' ORDER BY span_id LIMIT 3`;
  }
  // The span sent again: a row beside the segment that has it in alpha, the row itself in the twin.
  await t.sql`
    INSERT INTO spans SELECT (jsonb_populate_record(NULL::spans, to_jsonb(x) || '{"tenant_id": "alpha"}')).*
    FROM spans x WHERE x.tenant_id = 'twin' AND x.trace_id = ${uuid(traceId)}::uuid AND x.span_id = ${shadow}::bigint`;
  await t.sql`
    UPDATE spans SET attributes = attributes || '{"late.retry": "odd"}', name = 'sent again'
    WHERE tenant_id IN ('alpha', 'twin') AND trace_id = ${uuid(traceId)}::uuid AND span_id = ${shadow}::bigint`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('alpha', 'Alpha'), ('twin', 'Twin'), ('beta', 'Beta')`;
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: SEALED, spans: 700, asyncJobs: true, requestId: "req_sealed1" });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: MIXED, spans: 300 });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: UNSEALED, spans: 60 });
  await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: ODD, spans: 6 });
  await insertSyntheticTrace(t.sql, { tenant: "beta", traceId: SEALED, spans: 40 });
  // Every column's awkward values: a tracestate, a scope, all flag bits, the last nanosecond
  // below the microsecond, no request id, a zero duration, a parent outside the trace, and JSON
  // as ingest stores it (typed values, unicode, a __proto__ key, doubles).
  await t.sql`
    INSERT INTO scopes (tenant_id, id, name, version, attributes, schema_url)
    VALUES ('alpha', 77, 'io.odd', '1.2.3', '{"scope.k": "v"}', 'https://opentelemetry.io/schemas/1.26.0')`;
  await t.sql`
    UPDATE spans SET trace_state = 'vendor=odd,x=1', scope_id = 77, flags = -1, start_sub_us_ns = 999, request_id = NULL, duration_ns = 0,
           parent_span_id = 1234567, status_message = 'odd 😀 ü \\ "quoted"',
           attributes = ${ODD_ATTRIBUTES}::text::jsonb,
           events = ${ODD_EVENTS}::text::jsonb, links = ${ODD_LINKS}::text::jsonb,
           dropped_attributes_count = 3, dropped_events_count = 4, dropped_links_count = 5
    WHERE tenant_id = 'alpha' AND trace_id = ${uuid(ODD)}::uuid AND parent_span_id IS NOT NULL AND kind = 3`;
  // A link to the same trace spelled in capitals: the stream keeps it (as its SQL lowercases).
  await t.sql`
    UPDATE spans SET links = ${`[{"traceId": "${SEALED.toUpperCase()}", "spanId": "0000000000000abc", "attributes": {}}]`}::text::jsonb
    WHERE tenant_id = 'alpha' AND trace_id = ${uuid(SEALED)}::uuid AND span_id = (SELECT max(span_id) FROM spans WHERE trace_id = ${uuid(SEALED)}::uuid)`;
  for (const id of TRACES) {
    await copyToTwin("traces", `x.trace_id = '${uuid(id)}'`);
    await copyToTwin("spans", `x.trace_id = '${uuid(id)}'`);
  }
  await copyToTwin("resources", "true");
  await copyToTwin("scopes", "true");
  for (const id of [SEALED, MIXED, ODD]) await quiet(id);
});

afterAll(async () => {
  await t.drop();
});

describe("sealed traces through the span-reading module", () => {
  it("reads the same before sealing (the twin is an exact copy)", async () => {
    for (const id of TRACES) await expectSameAsRows(id);
  });

  it("seals quiet, decided traces into segments of at most maxSegmentSpans, and deletes their rows", async () => {
    // A trace still queued for tail sampling is not decided yet: it waits.
    await t.sql`INSERT INTO trace_sampling_pending (tenant_id, trace_id) VALUES ('alpha', ${uuid(ODD)}::uuid)`;
    // The summaries' row versions: sealing writes segments and deletes rows, and leaves every summary as it was.
    const versions = () => t.sql`SELECT tenant_id, trace_id, ctid::text, xmin::text FROM traces ORDER BY tenant_id, trace_id`;
    let before = await versions();
    const first = await seal();
    expect(first).toMatchObject({ traces: 2, spans: 1_000, segments: 6 + 3, rewritten: 0, failed: [] });
    expect(await versions()).toEqual(before);
    expect(await rowCount(ODD)).toBe(6);
    // Tail sampling keeps it and queues it for the sealer.
    await t.sql`DELETE FROM trace_sampling_pending`;
    await quiet(ODD);
    before = await versions();
    expect(await seal()).toMatchObject({ traces: 1, spans: 6, segments: 1, failed: [] });
    expect(await versions()).toEqual(before);

    expect(await rowCount(SEALED)).toBe(0);
    expect((await segments(SEALED)).map((s) => s.span_count)).toEqual([128, 128, 128, 128, 128, 60]);
    expect(await rowCount(UNSEALED)).toBe(60);
    expect(await segments(UNSEALED)).toEqual([]);
    // Another tenant's trace with the same id is its own trace, and not quiet.
    expect(await rowCount(SEALED, "beta")).toBe(40);
  });

  it("gives every reader the same answers for sealed and unsealed traces", async () => {
    for (const id of TRACES) await expectSameAsRows(id);
  });

  it("answers span detail, find and the lineage link of a sealed trace in Node, handing Postgres at most the one span shown", async () => {
    const sent = await t.asReader(ALPHA, async (plain) => {
      const { tx, spansSent } = recordsetSpy(plain);
      const header = (await findTraceHeader(tx, ALPHA, SEALED))!;
      const [job, other] = await t.sql<{ id: string }[]>`
        SELECT lpad(to_hex(span_id), 16, '0') AS id FROM spans WHERE tenant_id = 'twin' AND trace_id = ${uuid(SEALED)}::uuid AND kind IN (5, 3)
        ORDER BY kind DESC, span_id LIMIT 2`;
      const counts: Record<string, number> = {};
      const count = async (what: string, read: () => Promise<unknown>) => {
        const before = spansSent();
        expect(await read()).not.toBeNull();
        counts[what] = spansSent() - before;
      };
      await count("job detail", () => readSpanDetail(tx, ALPHA, { traceId: SEALED, spanId: job!.id }));
      await count("detail", () => readSpanDetail(tx, ALPHA, { traceId: SEALED, spanId: other!.id }));
      for (const text of ["synthetic failure", "job_1", "ORDERS WHERE id = 7", "{", ""]) await count(`find ${text}`, () => findInTrace(tx, ALPHA, { traceId: SEALED, text }));
      await count("lineage", () => lineageHref(tx, header));
      return counts;
    });
    expect(sent).toEqual({
      "job detail": 1,
      detail: 1,
      "find synthetic failure": 0,
      "find job_1": 0,
      "find ORDERS WHERE id = 7": 0,
      "find {": 0,
      "find ": 0,
      lineage: 0,
    });
  });

  it("reads late rows beside the segments, the row winning over the sealed span it repeats, then seals them as further segments", async () => {
    const [shadow] = await t.sql<{ id: string }[]>`
      SELECT span_id::text AS id FROM spans WHERE tenant_id = 'twin' AND trace_id = ${uuid(MIXED)}::uuid AND parent_span_id IS NOT NULL
        AND attributes ? 'job.id' ORDER BY span_id LIMIT 1 OFFSET 20`;
    await lateSpans(MIXED, shadow!.id);
    // Ingest queues a sealed trace that gets late rows.
    await quiet(MIXED);
    expect(await rowCount(MIXED)).toBe(4);
    await expectSameAsRows(MIXED);
    const before = await segments(MIXED);

    // The late rows become segment 4; segment 1, which held the repeated span, is written again without it.
    expect(await seal()).toMatchObject({ traces: 1, spans: 4, segments: 1, rewritten: 1, failed: [] });
    expect(await rowCount(MIXED)).toBe(0);
    const after = await segments(MIXED);
    expect(after.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    expect(after.map((s) => s.span_count).reduce((a, b) => a + b)).toBe(300 + 3);
    expect(after.filter((s, i) => s.md5 !== before[i]?.md5)).toHaveLength(2);
    await expectSameAsRows(MIXED);
    // The repeated span is a job run, which investigate keeps a ref of: the ref is the row's now, not the first seal's.
    expect(await t.sql`SELECT name FROM sealed_span_refs WHERE tenant_id = 'alpha' AND trace_id = ${uuid(MIXED)}::uuid AND span_id = ${shadow!.id}::bigint`).toEqual([
      { name: "sent again" },
    ]);
  });

  it("is idempotent: a second run finds nothing to seal and changes no segment", async () => {
    const before = await Promise.all(TRACES.map(segments));
    expect(await seal()).toEqual({ traces: 0, spans: 0, segments: 0, rewritten: 0, failed: [] });
    expect(await Promise.all(TRACES.map(segments))).toEqual(before);
  });

  it("leaves a trace whole as rows when its transaction fails between writing the segment and deleting the rows", async () => {
    const crash = "1af7651916cd43dd8448eb211c803105";
    await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: crash, spans: 50 });
    await quiet(crash);
    const stored = await t.sql`SELECT * FROM spans WHERE trace_id = ${uuid(crash)}::uuid ORDER BY span_id, start_time`;
    const result = await seal({
      beforeDelete: () => {
        throw new Error("the process died here");
      },
    });
    expect(result).toMatchObject({ traces: 0, spans: 0, segments: 0, failed: [{ tenantId: "alpha", traceId: uuid(crash), error: "the process died here" }] });
    expect(await t.sql`SELECT * FROM spans WHERE trace_id = ${uuid(crash)}::uuid ORDER BY span_id, start_time`).toEqual(stored);
    expect(await segments(crash)).toEqual([]);
    // The next run seals it.
    expect(await seal()).toMatchObject({ traces: 1, spans: 50, failed: [] });
    expect(await rowCount(crash)).toBe(0);
  });

  it("refuses to seal a trace whose rows would not decode as they are, and leaves its rows, sealing the others of its batch", async () => {
    const unsafe = "1af7651916cd43dd8448eb211c803106";
    const fine = ["1af7651916cd43dd8448eb211c803110", "1af7651916cd43dd8448eb211c803111", "1af7651916cd43dd8448eb211c803112"];
    for (const id of [fine[0]!, unsafe, ...fine.slice(1)]) {
      await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: id, spans: 5 });
      await quiet(id);
    }
    // A bare JSON number past a double's precision: JavaScript would read it rounded.
    await t.sql`UPDATE spans SET attributes = '{"n": 12345678901234567891}' WHERE trace_id = ${uuid(unsafe)}::uuid AND parent_span_id IS NULL`;
    const stored = await t.sql`SELECT * FROM spans WHERE trace_id = ${uuid(unsafe)}::uuid ORDER BY span_id`;
    await copyToTwin("traces", `x.trace_id = '${uuid(unsafe)}'`);
    await copyToTwin("spans", `x.trace_id = '${uuid(unsafe)}'`);
    // All four in one batch: it rolls back whole, then each trace is sealed alone.
    const result = await seal();
    expect(result).toMatchObject({ traces: 3, spans: 15 });
    expect(result!.failed).toEqual([{ tenantId: "alpha", traceId: uuid(unsafe), error: expect.stringMatching(/1 decoded spans differ from their rows/) as string }]);
    expect(await t.sql`SELECT * FROM spans WHERE tenant_id = 'alpha' AND trace_id = ${uuid(unsafe)}::uuid ORDER BY span_id`).toEqual(stored);
    expect(await segments(unsafe)).toEqual([]);
    await expectSameAsRows(unsafe);
    for (const id of fine) {
      expect(await rowCount(id)).toBe(0);
      expect((await segments(id)).map((g) => g.span_count)).toEqual([5]);
    }
    await t.sql`DELETE FROM spans WHERE trace_id = ${uuid(unsafe)}::uuid`;
    await t.sql`DELETE FROM traces WHERE trace_id = ${uuid(unsafe)}::uuid`;
  });

  it("runs one sealer at a time across processes", async () => {
    const busy = "1af7651916cd43dd8448eb211c803107";
    await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: busy, spans: 20 });
    await quiet(busy);
    // Another process holds the lock: this one does nothing.
    const other = connect(t.url, { max: 1 });
    try {
      await other`SELECT pg_advisory_lock(${SEAL_LOCK_KEY})`;
      expect(await seal()).toBeNull();
      expect(await rowCount(busy)).toBe(20);
    } finally {
      await other.end();
    }
    // Two at once: the second, started while the first is mid-trace, finds the lock taken.
    let second: Awaited<ReturnType<typeof seal>> | undefined;
    const first = await seal({
      beforeDelete: async () => {
        second ??= await seal();
      },
    });
    expect(second).toBeNull();
    expect(first).toMatchObject({ traces: 1, spans: 20, failed: [] });
    expect(await rowCount(busy)).toBe(0);
  });
});

describe("who reads segments", () => {
  it("lets a tenant's viewer read only its own tenant's segments (row-level security)", async () => {
    const all = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM span_segments WHERE tenant_id = 'alpha'`;
    expect(all[0]!.n).toBeGreaterThan(0);
    const asBeta = await t.asReader(BETA, (tx) => tx<{ n: number }[]>`SELECT count(*)::int AS n FROM span_segments`);
    expect(asBeta[0]!.n).toBe(0);
    // Beta's reader handed alpha's trace (its header forged) reads no span of it.
    const header = await t.asReader(ALPHA, (tx) => findTraceHeader(tx, ALPHA, SEALED));
    const lines = await t.asReader(BETA, async (tx) => {
      const out: string[] = [];
      for await (const line of spanChunkLines(tx, header!)) out.push(line);
      return out;
    });
    expect(lines).toEqual([]);
  });

  it("refuses a segment stored under another trace instead of showing its spans", async () => {
    const at = t.sql`tenant_id = 'alpha' AND trace_id = ${uuid(ODD)}::uuid AND seq = 1`;
    const [own] = await t.sql<{ segment: Uint8Array }[]>`SELECT segment FROM span_segments WHERE ${at}`;
    await t.sql`UPDATE span_segments SET segment = (SELECT segment FROM span_segments WHERE tenant_id = 'alpha' AND trace_id = ${uuid(SEALED)}::uuid AND seq = 1) WHERE ${at}`;
    try {
      const [root] = await t.sql<{ id: string }[]>`SELECT lpad(to_hex(root_span_id), 16, '0') AS id FROM traces WHERE tenant_id = 'alpha' AND trace_id = ${uuid(ODD)}::uuid`;
      await expect(t.asReader(ALPHA, (tx) => readSpanDetail(tx, ALPHA, { traceId: ODD, spanId: root!.id }))).rejects.toThrow(SegmentError);
    } finally {
      await t.sql`UPDATE span_segments SET segment = ${Buffer.from(own!.segment)} WHERE ${at}`;
    }
    await expectSameAsRows(ODD);
  });
});
describe("readers that want a trace's first spans by start", () => {
  it("pass over the segments starting after them, and still read a later segment that starts earlier", async () => {
    const many = "1af7651916cd43dd8448eb211c803108";
    await insertSyntheticTrace(t.sql, { tenant: "alpha", traceId: many, spans: 6_000, asyncJobs: true, requestId: "req with spaces" });
    await copyToTwin("traces", `x.trace_id = '${uuid(many)}'`);
    await copyToTwin("spans", `x.trace_id = '${uuid(many)}'`);
    await quiet(many);
    // Six segments of 200 jobs each: span detail's first 1,000 jobs are in the first five.
    expect(await seal({ maxSegmentSpans: 1_000 })).toMatchObject({ failed: [] });
    expect((await segments(many)).map((g) => g.span_count)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000, 1_000]);
    // Late jobs, 1 µs into the trace: sealed as a seventh segment that starts before every other job.
    for (const tenant of ["alpha", "twin"]) {
      await t.sql`
        INSERT INTO spans (${t.sql(SPAN_COLUMN_NAMES)})
        SELECT ${tenant}::text, trace_id, span_id # 4611686018427387904, parent_span_id, trace_state, request_id, service, 'late ' || name, kind,
               (SELECT start_time FROM traces WHERE tenant_id = 'twin' AND trace_id = ${uuid(many)}::uuid) + interval '1 microsecond', start_sub_us_ns,
               duration_ns, status_code, status_message, attributes || jsonb_build_object('job.id', 'late_' || span_id), events, links, resource_id, scope_id,
               flags, dropped_attributes_count, dropped_events_count, dropped_links_count
        FROM spans WHERE tenant_id = 'twin' AND trace_id = ${uuid(many)}::uuid AND kind = 5 AND name NOT LIKE 'late %' ORDER BY span_id LIMIT 3`;
    }
    await quiet(many);
    expect(await seal()).toMatchObject({ failed: [] });
    expect((await segments(many)).map((g) => g.span_count)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 3]);
    const read = (scope: TenantScope) =>
      t.asReader(scope, async (tx) => {
        const header = (await findTraceHeader(tx, scope, many))!;
        const detail = await readSpanDetail(tx, scope, { traceId: many, spanId: header.rootSpanId! });
        return { asyncWork: detail!.asyncWork, lineage: (await lineageHref(tx, header))?.replace(/tenant=[a-z]+/, "tenant=_") };
      });
    const sealed = await read(ALPHA);
    expect(sealed).toEqual(await read(TWIN));
    expect(sealed.asyncWork).toHaveLength(1_000);
    expect(sealed.asyncWork.slice(0, 3).map((w) => w.name.slice(0, 5))).toEqual(["late ", "late ", "late "]);
    expect(new URL(sealed.lineage!, "http://x").searchParams.get("id")).toMatch(/^late_/);
  });
});
