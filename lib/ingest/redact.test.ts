import { describe, expect, it } from "vitest";
import { luhn } from "../redaction/shared";
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
    "x-amz-security-token", "private_key", "user.phone", "card.number", "credentials",
  ])("%s is sensitive", (key) => {
    expect(redactor.isSensitiveKey(key)).toBe(true);
  });

  it.each(["http.route", "cache.key", "gen_ai.usage.input_tokens", "tenant.id", "request.id", "http.request.method", "db.system", "keyboard.layout"])(
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
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "Authorization: Bearer [REDACTED:bearer]", "bearer"],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "token [REDACTED:bearer]", "bearer"],
    ["session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl; Path=/", "session=[REDACTED:jwt]; Path=/", "jwt"],
    ["contact alice.smith+billing@example.co.uk now", "contact [REDACTED:email] now", "email"],
    ["card 4111 1111 1111 1111 declined", "card [REDACTED:card] declined", "card"],
    ["pan=5500-0000-0000-0004", "pan=[REDACTED:card]", "card"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "[REDACTED:private_key]", "private_key"],
    ["postgres://app:hunter2@db.internal:5432/app", "postgres://[REDACTED:url_credentials]@db.internal:5432/app", "url_credentials"],
    ["/callback?code=abc&access_token=ya29.a0AfH6SMB&state=1", "/callback?code=abc&access_token=[REDACTED:secret_param]&state=1", "secret_param"],
    ['{"user":"x","password":"correct horse"}', '{"user":"x","password":"[REDACTED:secret_json]"}', "secret_json"],
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

  it("redacts integers that are card numbers", () => {
    const counts: RedactionCounts = {};
    expect(redactor.number(4111111111111111, counts)).toBe("[REDACTED:card]");
    expect(redactor.number(1732000000000, counts)).toBe(1732000000000);
    expect(redactor.number(42, counts)).toBe(42);
    expect(counts).toEqual({ card: 1 });
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
    const counts: RedactionCounts = {};
    expect(custom.text("assigned to EMP-123456", counts)).toBe("assigned to [REDACTED:employee_id]");
    expect(counts).toEqual({ employee_id: 1 });
  });

  it("refuse a pattern that is not global", () => {
    expect(() => new Redactor({ sensitiveKeys: [], valueRules: [{ name: "x", pattern: /x/ }] })).toThrow(/g flag/);
  });
});
