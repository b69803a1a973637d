import { SpanStatusCode, context, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { closeIngestBed, openIngestBed, testTracing, type ExporterKind, type IngestServer } from "./testing/fixtures";

// Realistic secrets and personal data, each with the part that must never be found again.
// They go in attribute keys and values, nested values, events, links, resources, span names
// and status messages, through the real OpenTelemetry exporters.
const PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj
MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu
-----END PRIVATE KEY-----`;

const corpus = {
  bearer: ["Bearer sk_live_51HqLyjWDarjtT1zdp7dcQ", "51HqLyjWDarjtT1zdp7dc"],
  cookie: ["session=8f14e45fceea167a5a36dedd4bea2543; theme=dark", "8f14e45fceea167a5a36dedd4bea2543"],
  setCookie: ["sid=s%3AxD7Gq0kVbQ9mZp2RtY5uWc; Path=/; HttpOnly", "xD7Gq0kVbQ9mZp2RtY5uWc"],
  dbPassword: ["Tr0ub4dor&3-horse", "Tr0ub4dor&3"],
  clientSecret: ["9e107d9d372bb6826bd81d3542a419d6", "9e107d9d372bb6826bd81d3542a419d6"],
  apiKeyHeader: ["AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "9tSrke72PouQMnMX"],
  awsSecret: ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "K7MDENG/bPxRfiCY"],
  sessionId: ["a3f5c9e1-7d2b-4e8f-9c6a-1b2d3e4f5a6b", "a3f5c9e1-7d2b-4e8f"],
  phone: ["+1 415 555 0132", "415 555 0132"],
  refreshToken: ["1//0gLqvXrefresh4Fh7UuZ9", "0gLqvXrefresh4Fh7"],
  jwt: [
    "claims eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "eyJzdWIiOiJ1c2VyLTQyIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIn0",
  ],
  email: ["jane.doe@example.com", "jane.doe@example.com"],
  visa: ["4242 4242 4242 4242", "4242 4242 4242 4242"],
  urlPassword: ["https://admin:S3cr3tP4ss@internal.example.com/api", "S3cr3tP4ss"],
  queryToken: ["code=4%2F0AX4&access_token=ya29.A0ARrdaMsecrettoken&state=xyz", "A0ARrdaMsecrettoken"],
  sqlEmail: ["UPDATE users SET email = 'bob.smith@corp.example' WHERE id = 7", "bob.smith@corp.example"],
  jsonPassword: ['{"user":"x","password":"hunter2-hunter2"}', "hunter2-hunter2"],
  github: ["pushed with ghp_16C7e42F292c6912E7710c838347Ae178B4a", "16C7e42F292c6912E7710c838347Ae178B4a"],
  slack: ["posting via xoxb-2048-4096-abcdefABCDEF1234", "abcdefABCDEF1234"],
  awsKeyId: ["AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"],
  pem: [PEM, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"],
  ssn: ["customer 123-45-6789 called", "123-45-6789"],
  iban: ["refund to GB82 WEST 1234 5698 7654 32", "5698 7654 32"],
  nestedEmail: ["walter.white@example.org", "walter.white@example.org"],
  eventName: ["login failed for carol@example.org", "carol@example.org"],
  eventBearer: ["invalid credentials: Bearer 5f4dcc3b5aa765d61d8327deb882cf99", "5f4dcc3b5aa765d61d8327deb882cf99"],
  eventPassword: ["P@ssw0rd!2024", "P@ssw0rd!2024"],
  resourceOwner: ["ops-lead@example.net", "ops-lead@example.net"],
  resourceDsn: ["postgres://svc:Wq9-Zp2x7@db.internal:5432/prod", "Wq9-Zp2x7"],
  resourceKey: ["rk_live_4eC39HqLyjWDarjtT1aBcD", "4eC39HqLyjWDarjtT1"],
  statusCard: ["charge failed for card 5555555555554444", "5555555555554444"],
  statusBasic: ["auth failed: Basic dXNlcjpzdXBlcnNlY3JldDEyMw==", "dXNlcjpzdXBlcnNlY3JldDEyMw"],
  linkToken: ["c2Vzc2lvbi10b2tlbi0xMjM0NTY3ODk", "c2Vzc2lvbi10b2tlbi0xMjM0NTY3ODk"],
  spanNameToken: ["GET /reset?token=0b2c4e6f8a1c3e5d7f9", "0b2c4e6f8a1c3e5d7f9"],
  keyEmail: ["user.zoe@example.com.visits", "zoe@example.com"],
  amex: ["378282246310005", "378282246310005"],
} as const;

const value = (name: keyof typeof corpus) => corpus[name][0];

let t: TestDatabase;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  ({ t, server, key } = await openIngestBed("acme"));
});
afterAll(() => closeIngestBed({ t, server }));

async function sendCorpus(kind: ExporterKind): Promise<void> {
  const tracing = testTracing({
    endpoint: server.endpoint,
    key,
    kind,
    resource: { "deployment.owner": value("resourceOwner"), "db.connection_string": value("resourceDsn"), api_key: value("resourceKey") },
  });
  const { tracer } = tracing;
  const earlier = tracer.startSpan("earlier");
  earlier.end();
  const root = tracer.startSpan(value("spanNameToken"), {
    attributes: {
      "http.request.header.authorization": value("bearer"),
      "http.request.header.cookie": value("cookie"),
      "http.response.header.set-cookie": [value("setCookie")],
      "db.password": value("dbPassword"),
      client_secret: value("clientSecret"),
      "X-Api-Key": value("apiKeyHeader"),
      "aws.secret_access_key": value("awsSecret"),
      "session.id": value("sessionId"),
      "user.phone": value("phone"),
      "oauth.refresh_token": value("refreshToken"),
      message: value("jwt"),
      "enduser.id": value("email"),
      "payment.card": value("visa"),
      "url.full": value("urlPassword"),
      "url.query": value("queryToken"),
      "db.statement": value("sqlEmail"),
      "messaging.payload": value("jsonPassword"),
      "log.message": value("github"),
      "chat.webhook": value("slack"),
      "cloud.account.key_id": value("awsKeyId"),
      "tls.pem": value("pem"),
      "customer.note": value("ssn"),
      "refund.note": value("iban"),
      "mail.recipients": ["noreply@service.test".replace("noreply@service.test", value("nestedEmail"))],
      [value("keyEmail")]: 3,
      "payment.amex": Number(value("amex")),
    },
  });
  root.addEvent(value("eventName"), { "exception.message": value("eventBearer"), password: value("eventPassword") });
  const child = tracer.startSpan("charge", { links: [{ context: earlier.spanContext(), attributes: { "session_token": value("linkToken") } }] }, trace.setSpan(context.active(), root));
  child.setStatus({ code: SpanStatusCode.ERROR, message: value("statusCard") });
  child.end();
  root.setStatus({ code: SpanStatusCode.ERROR, message: value("statusBasic") });
  root.end();
  await tracing.flush();
  await tracing.shutdown();
}

describe("the leak corpus", () => {
  it("has at least 30 distinct secrets and personal values", () => {
    expect(new Set(Object.values(corpus).map(([, needle]) => needle)).size).toBeGreaterThanOrEqual(30);
  });

  it.each<ExporterKind>(["proto", "json"])("sent by the %s exporter, cannot be found anywhere in the database or the logs", async (kind) => {
    await sendCorpus(kind);
    const [{ spans }] = (await t.sql`SELECT count(*)::int AS spans FROM spans`) as unknown as [{ spans: number }];
    expect(spans).toBeGreaterThanOrEqual(3);

    const tables = await t.sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;
    const found: string[] = [];
    for (const { name } of tables) {
      for (const [label, [, needle]] of Object.entries(corpus)) {
        const [hit] = await t.sql`SELECT 1 FROM ${t.sql(name)} AS x WHERE strpos(x::text, ${needle}) > 0 LIMIT 1`;
        if (hit) found.push(`${label} in ${name}`);
      }
    }
    expect(found).toEqual([]);
    for (const [, needle] of Object.values(corpus)) expect(server.logged.join("\n")).not.toContain(needle);

    // What was removed is counted for the tenant, by rule.
    const counted = await t.sql<{ counter: string }[]>`SELECT counter FROM ingest_counters WHERE tenant_id = 'acme' AND counter LIKE 'redactions.%' ORDER BY counter`;
    expect(counted.map((c) => c.counter)).toEqual(
      expect.arrayContaining(["redactions.sensitive_key", "redactions.email", "redactions.card", "redactions.jwt", "redactions.private_key", "redactions.bearer", "redactions.api_token"]),
    );
  });
});
