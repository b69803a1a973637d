import { describe, expect, it } from "vitest";
import { luhn } from "@trace-explorer/tracing/redaction";
import { defaultRedactionRules, Redactor, type RedactionCounts } from "./redact";

const redactor = new Redactor(defaultRedactionRules);

function text(value: string): { out: string; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  return { out: redactor.text(value, counts), counts };
}

describe("sensitive keys", () => {
  it.each([
    "authorization", "http.request.header.authorization", "Cookie", "http.response.header.set-cookie", "password", "userPassword",
    "db.password", "client_secret", "X-Api-Key", "apiKey", "api_key", "session.id", "sessionId", "access_token", "refreshToken",
    "x-amz-security-token", "private_key", "user.phone", "card.number", "credentials", "passWord", "userPassword1", "mypassword",
    "authtoken", "X-Auth", "contraseña", "hasło", "пароль", "SESSION_ID", "csrf-token",
  ])("%s is sensitive", (key) => {
    expect(redactor.isSensitiveKey(key)).toBe(true);
  });

  it.each(["http.route", "cache.key", "gen_ai.usage.input_tokens", "tenant.id", "request.id", "http.request.method", "db.system", "keyboard.layout",
    "auth.error", "token.expires_at", "tokenizer.model", "passenger.count", "compass.heading", "secretary.name", "author"])(
    "%s is not",
    (key) => {
      expect(redactor.isSensitiveKey(key)).toBe(false);
    },
  );

  it("replaces the whole value and counts it", () => {
    const counts: RedactionCounts = {};
    expect(redactor.sensitiveValue(counts)).toBe("[REDACTED:sensitive_key]");
    expect(counts).toEqual({ sensitive_key: 1 });
  });
});

describe("value patterns", () => {
  it.each([
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "Authorization: Bearer [REDACTED:jwt]", "jwt"],
    ["token 8f14e45fceea167a5a36", "token [REDACTED:bearer]", "bearer"],
    ["session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl; Path=/", "session=[REDACTED:jwt]; Path=/", "jwt"],
    ["contact alice.smith+billing@example.co.uk now", "contact [REDACTED:email] now", "email"],
    ["card 4111 1111 1111 1111 declined", "card [REDACTED:card] declined", "card"],
    ["pan=5500-0000-0000-0004", "pan=[REDACTED:card]", "card"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "[REDACTED:pem]", "pem"],
    ["postgres://app:hunter2@db.internal:5432/app", "postgres://[REDACTED:url_credentials]@db.internal:5432/app", "url_credentials"],
    ["/callback?code=abc123&access_token=ya29.a0AfH6SMB&state=1", "/callback?code=[REDACTED:secret_param]&access_token=[REDACTED:secret_field]&state=1", "secret_param"],
    ['{"user":"x","password":"correct horse"}', '{"user":"x","password":"[REDACTED:secret_field]"}', "secret_field"],
    ["key AKIAIOSFODNN7EXAMPLE in use", "key [REDACTED:api_token] in use", "api_token"],
    ["ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", "[REDACTED:api_token]", "api_token"],
    ["IBAN DE89 3704 0044 0532 0130 00", "IBAN [REDACTED:iban]", "iban"],
    ["ssn 078-05-1120", "ssn [REDACTED:ssn]", "ssn"],
  ])("%j → %j", (input, expected, rule) => {
    const { out, counts } = text(input);
    expect(out).toBe(expected);
    expect(counts[rule]).toBeGreaterThan(0);
  });

  it.each([
    "GET /api/projects/42",
    "Basic authentication is disabled",
    "order 1234567890123456 shipped",
    "2024-11-24T10:00:00Z",
    "x86_64 Linux",
    "DE89 is a prefix",
    "a = b",
    "version 1.2.3-4",
  ])("leaves %j alone", (input) => {
    expect(text(input)).toEqual({ out: input, counts: {} });
  });

  it("checks card numbers with Luhn", () => {
    expect(luhn("4111111111111111")).toBe(true);
    expect(luhn("4111111111111112")).toBe(false);
  });

  it("redacts integers and integral doubles that are card numbers", () => {
    const counts: RedactionCounts = {};
    expect(redactor.number(4111111111111111, counts)).toBe("[REDACTED:card]");
    expect(redactor.number("6011000000000000001", counts)).toBe("[REDACTED:card]");
    expect(redactor.number(1732000000000, counts)).toBe(1732000000000);
    expect(redactor.number(4111111111111112, counts)).toBe(4111111111111112);
    expect(redactor.number(42, counts)).toBe(42);
    expect(redactor.number(0.25, counts)).toBe(0.25);
    expect(counts).toEqual({ card: 2 });
  });

  it("redacts a bytes value whole when its decoded text holds a secret, and counts the rule", () => {
    const counts: RedactionCounts = {};
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    expect(redactor.bytes(new TextEncoder().encode(`Authorization: Bearer ${jwt}`), counts)).toBe("[REDACTED:jwt]");
    expect(redactor.bytes(new TextEncoder().encode("user=ops&password=Byt3sPw!"), counts)).toBe("[REDACTED:secret_field]");
    expect(redactor.bytes(new Uint8Array([0, 1, 2, 255, 254]), counts)).toBeUndefined();
    expect(redactor.bytes(new TextEncoder().encode("plain text"), counts)).toBeUndefined();
    expect(counts).toEqual({ jwt: 1, secret_field: 1 });
  });

  it("reads a secret hidden by invisible characters or %-encoding, and leaves such benign text as it is", () => {
    expect(text("mail mark\u200b.twain@example.org").out).toBe("mail [REDACTED:email]");
    expect(text("to=jane.roe%40example.com&list=7")).toEqual({ out: "to=[REDACTED:email]&list=7", counts: { email: 1 } });
    expect(text("Sam \u{1F468}\u200D\u{1F469}")).toEqual({ out: "Sam \u{1F468}\u200D\u{1F469}", counts: {} });
    expect(text("/search/caf%C3%A9%20cr%C3%A8me")).toEqual({ out: "/search/caf%C3%A9%20cr%C3%A8me", counts: {} });
  });

  it.each([
    ["password: Hunter2!x", "password: [REDACTED:secret_field]"],
    ["passwd s3cr3tPass9 ok", "passwd [REDACTED:secret_field] ok"],
    ["{'password': 'Tr0ub4dor&3'}", "{'password': '[REDACTED:secret_field]'}"],
    ['{\\"password\\":\\"x-42\\"}', '{\\"password\\":\\"[REDACTED:secret_field]\\"}'],
    ["Cookie: session=abc123; theme=dark\nAccept: */*", "Cookie: [REDACTED:secret_field]\nAccept: */*"],
    ["Server=db;Password=Sql$erver2024;", "Server=db;Password=[REDACTED:secret_field];"],
  ])("finds the value after a secret name in %j", (input, expected) => {
    expect(text(input).out).toBe(expected);
  });

  it.each([
    "token expired",
    "Invalid password: required",
    "UPDATE users SET password = $1 WHERE id = $2",
    "SET token = excluded.token",
    "UPDATE users SET password = crypt($1, gen_salt('bf'))",
    "at verify (/app/src/auth/token.ts:42:13)",
    "password == other",
  ])("leaves prose, code and SQL without literals alone: %j", (input) => {
    expect(text(input)).toEqual({ out: input, counts: {} });
  });

  it("counts every match and answers the same for a value it has seen", () => {
    const value = "a@example.com and b@example.com";
    expect(text(value)).toEqual({ out: "[REDACTED:email] and [REDACTED:email]", counts: { email: 2 } });
    expect(text(value)).toEqual({ out: "[REDACTED:email] and [REDACTED:email]", counts: { email: 2 } });
    expect(text("plain")).toEqual({ out: "plain", counts: {} });
    expect(text("plain")).toEqual({ out: "plain", counts: {} });
  });
});

describe("configured rules", () => {
  it("apply extra keys and patterns, with their own names", () => {
    const custom = new Redactor({
      sensitiveKeys: [...defaultRedactionRules.sensitiveKeys, "member id"],
      valueRules: [...defaultRedactionRules.valueRules, { name: "employee_id", pattern: /EMP-\d{6}/g }],
    });
    expect(custom.isSensitiveKey("club.memberId")).toBe(true);
    expect(custom.text("memberId=M-88123", {})).toBe("memberId=[REDACTED:secret_field]");
    const counts: RedactionCounts = {};
    expect(custom.text("assigned to EMP-123456", counts)).toBe("assigned to [REDACTED:employee_id]");
    expect(counts).toEqual({ employee_id: 1 });
  });

  it("refuse a pattern that is not global", () => {
    expect(() => new Redactor({ sensitiveKeys: [], valueRules: [{ name: "x", pattern: /x/ }] })).toThrow(/g flag/);
  });
});
