import { ROOT_CONTEXT, trace, type Attributes } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { SanitizingExporter } from "./sanitizing-exporter";

// Realistic leaks, each as instrumentation would record it, with the secret that must not
// leave the process. Where the leak sits varies: attribute key, attribute value, span name,
// event, status message, link or resource.
type Leak = { what: string; secret: string } & (
  | { attribute: [string, string | string[]] }
  | { spanName: string }
  | { event: Attributes }
  | { status: string }
  | { resource: Attributes }
  | { link: Attributes }
);

const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

const corpus: Leak[] = [
  { what: "authorization header (semconv array)", attribute: ["http.request.header.authorization", ["Bearer 9f8e7d6c5b4a39281706"]], secret: "9f8e7d6c5b4a39281706" },
  { what: "cookie header", attribute: ["http.request.header.cookie", ["session=s%3Aabc123def456.xyz"]], secret: "abc123def456" },
  { what: "set-cookie header", attribute: ["http.response.header.set-cookie", ["authjs.session-token=eyJhbGciOi; Path=/"]], secret: "authjs.session-token=eyJhbGciOi" },
  { what: "x-api-key header", attribute: ["http.request.header.x-api-key", ["te_live_4c1f9a7b2e"]], secret: "te_live_4c1f9a7b2e" },
  { what: "password field", attribute: ["user.password", "correct horse battery staple"], secret: "correct horse battery staple" },
  { what: "camelCase password", attribute: ["db.userPassword", "S3cr3t!"], secret: "S3cr3t!" },
  { what: "client secret", attribute: ["oauth.client_secret", "d41d8cd98f00b204e980"], secret: "d41d8cd98f00b204e980" },
  { what: "refresh token", attribute: ["auth.refresh_token", "rt_8a7sd6f5g4h3j2k1"], secret: "rt_8a7sd6f5g4h3j2k1" },
  { what: "api key attribute", attribute: ["stripe.api_key", "whatever-it-is"], secret: "whatever-it-is" },
  { what: "private key attribute", attribute: ["tls.private_key", "MIIEvQIBADANBgkqh"], secret: "MIIEvQIBADANBgkqh" },
  { what: "bearer token inside a free-text value", attribute: ["http.request.body.preview", "retrying with Authorization: Bearer abcDEF123456789xyz"], secret: "abcDEF123456789xyz" },
  { what: "basic credentials in a value", attribute: ["proxy.note", "sent Basic dXNlcjpwYXNzd29yZA=="], secret: "dXNlcjpwYXNzd29yZA" },
  { what: "JWT in a query string", attribute: ["url.full", `https://app.example.com/callback?state=1#id=${JWT}`], secret: JWT.split(".")[1]! },
  { what: "JWT in an exception message", event: { "exception.message": `invalid signature for ${JWT}` }, secret: JWT.split(".")[2]! },
  { what: "access token in a URL", attribute: ["url.full", "https://graph.example.com/me?access_token=EAAGm0PX4ZCpsBA&fields=id"], secret: "EAAGm0PX4ZCpsBA" },
  { what: "api_key in a URL query", attribute: ["http.url", "https://maps.example.com/geo?api_key=AbC123xYz789&q=Paris"], secret: "AbC123xYz789" },
  { what: "signed S3 URL", attribute: ["url.full", "https://bucket.s3.amazonaws.com/f.pdf?X-Amz-Credential=AKIDEXAMPLE%2F2024&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027"], secret: "fe5f80f77d5fa3beca038a248ff027" },
  { what: "password in a connection string", attribute: ["db.connection_string", "postgres://app:Pa55w0rd@db.internal:5432/orders"], secret: "Pa55w0rd" },
  { what: "credentials in an http URL", attribute: ["url.full", "https://deploy:ghs_tokenvalue123@git.example.com/repo.git"], secret: "ghs_tokenvalue123" },
  { what: "password in a JSON body", attribute: ["http.request.body", '{"email_verified":true,"password":"hunter2hunter2"}'], secret: "hunter2hunter2" },
  { what: "token in a JSON body", attribute: ["messaging.payload", '{"user":42,"reset_token":"f0e1d2c3b4a5"}'], secret: "f0e1d2c3b4a5" },
  { what: "AWS access key id", attribute: ["aws.config", "using AKIAIOSFODNN7EXAMPLE in eu-west-1"], secret: "AKIAIOSFODNN7EXAMPLE" },
  { what: "GitHub token", attribute: ["ci.log_line", "git clone with ghp_16C7e42F292c6912E7710c838347Ae178B4a"], secret: "ghp_16C7e42F292c6912E7710c838347Ae178B4a" },
  { what: "Stripe secret key", attribute: ["payment.debug", "client built with sk_live_51H8xYzAbCdEfGhIjKlMn"], secret: "sk_live_51H8xYzAbCdEfGhIjKlMn" },
  { what: "Slack token", attribute: ["notify.config", "xoxb-123456789012-abcdefghijkl"], secret: "xoxb-123456789012-abcdefghijkl" },
  { what: "PEM private key", event: { "config.dump": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----" }, secret: "MIIEpAIBAAKCAQEA7" },
  { what: "e-mail in an attribute", attribute: ["enduser.email", "alice.martin@example.com"], secret: "alice.martin@example.com" },
  { what: "e-mail in a span name", spanName: "GET /users/bob+billing@corp.example.co.uk", secret: "bob+billing@corp.example.co.uk" },
  { what: "e-mail in a status message", status: "no account for carol@example.org", secret: "carol@example.org" },
  { what: "e-mail in a SQL statement", attribute: ["db.statement", "SELECT * FROM users WHERE email = 'dave@example.net'"], secret: "dave@example.net" },
  { what: "Visa card number", attribute: ["payment.card", "4111 1111 1111 1111"], secret: "4111 1111 1111 1111" },
  { what: "Mastercard number in text", event: { "exception.message": "charge declined for card 5555-5555-5555-4444 (insufficient funds)" }, secret: "5555-5555-5555-4444" },
  { what: "Amex number", attribute: ["checkout.raw", "pan=378282246310005"], secret: "378282246310005" },
  { what: "US social security number", attribute: ["kyc.note", "applicant SSN 078-05-1120 verified"], secret: "078-05-1120" },
  { what: "phone number field", attribute: ["user.phone_number", "+33 6 12 34 56 78"], secret: "12 34 56 78" },
  { what: "session id cookie in a link", link: { "http.request.header.cookie": "PHPSESSID=298zf09hf012fh2" }, secret: "298zf09hf012fh2" },
  { what: "secret in resource attributes", resource: { "deployment.secret": "vault:s.abcdefg123" }, secret: "vault:s.abcdefg123" },
  { what: "e-mail in resource attributes", resource: { "service.owner": "oncall-lead@example.com" }, secret: "oncall-lead@example.com" },
];

function exportOne(leak: Leak): ReadableSpan {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "leaky", ...("resource" in leak ? leak.resource : {}) }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new SanitizingExporter(exporter) })],
  });
  const tracer = provider.getTracer("corpus");
  const linked = tracer.startSpan("upstream");
  const span = tracer.startSpan(
    "spanName" in leak ? leak.spanName : "operation",
    {
      attributes: "attribute" in leak ? { [leak.attribute[0]]: leak.attribute[1] } : {},
      links: "link" in leak ? [{ context: linked.spanContext(), attributes: leak.link }] : [],
    },
    ROOT_CONTEXT,
  );
  if ("event" in leak) span.addEvent("exception", leak.event);
  if ("status" in leak) span.setStatus({ code: 2, message: leak.status });
  span.end();
  const [exported] = exporter.getFinishedSpans();
  return exported!;
}

function visible(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    links: span.links.map((l) => l.attributes),
    status: span.status,
    resource: span.resource.attributes,
  });
}

describe("sanitizer", () => {
  it("has a corpus of at least 30 realistic leaks", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((leak) => [leak.what, leak] as const))("removes %s before export", (_what, leak) => {
    const span = exportOne(leak);
    expect(visible(span)).not.toContain(leak.secret);
    // The span still exports with its identity intact.
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps ordinary values that only look a little like secrets", () => {
    const attributes: Attributes = {
      "trace.parent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "job.id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
      "gen_ai.usage.input_tokens": 1234,
      "cache.key": "user:42:profile",
      "http.route": "/api/traces/[traceId]",
      "db.statement": "SELECT * FROM spans WHERE tenant_id = $1 AND start_time > $2",
      "url.full": "https://api.example.com/v1/orders?page=2&limit=50",
      "event.time_ms": "1717171717171",
      "order.number": "ORD-2024-000123",
      "invoice.amount_cents": "1234567812345678",
      "exception.message": "Order 42 not found",
      "server.address": "db.internal",
      "request.id": "client-req-20240611-0001",
      "auth.error": "Basic authentication required; the Bearer of this session is unknown",
    };
    const recorded = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: recorded })] });
    provider.getTracer("t").startSpan("GET /api/traces/[traceId]", { attributes }, ROOT_CONTEXT).end();
    const span = recorded.getFinishedSpans()[0]!;
    const exporter = new InMemorySpanExporter();
    new SanitizingExporter(exporter).export([span], () => {});
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual(attributes);
    // Nothing to change: the very same span object is passed on, no copy made.
    expect(exporter.getFinishedSpans()[0]).toBe(span);
  });

  it("keeps spans of one resource grouped under one resource object after sanitizing it", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "svc", "deploy.token": "abc" }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new SanitizingExporter(exporter) })],
    });
    const tracer = provider.getTracer("t");
    tracer.startSpan("a", { attributes: { "user.email": "x@example.com" } }, ROOT_CONTEXT).end();
    tracer.startSpan("b", { attributes: { "user.email": "y@example.com" } }, trace.setSpan(ROOT_CONTEXT, tracer.startSpan("p"))).end();
    const [a, b] = exporter.getFinishedSpans();
    expect(a!.resource).toBe(b!.resource);
    expect(a!.resource.attributes["deploy.token"]).toBe("[REDACTED]");
  });

  it("masks a repeated span name, key and resource every time, not only the first", () => {
    const exporter = new InMemorySpanExporter();
    const sanitizing = new SanitizingExporter(exporter);
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "svc", "deploy.token": "abc" }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: sanitizing })],
    });
    const tracer = provider.getTracer("t");
    for (let i = 0; i < 3; i++) {
      const span = tracer.startSpan("reset for ann@example.com", { attributes: { "user.password": `hunter${i}`, "url.path": `/reset/ann${i}@example.com` } }, ROOT_CONTEXT);
      span.addEvent("mail to ann@example.com");
      span.end();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.name).toBe("reset for [EMAIL]");
      expect(span.events[0]!.name).toBe("mail to [EMAIL]");
      expect(span.attributes).toEqual({ "user.password": "[REDACTED]", "url.path": "/reset/[EMAIL]" });
      expect(span.resource.attributes["deploy.token"]).toBe("[REDACTED]");
    }
  });
});
