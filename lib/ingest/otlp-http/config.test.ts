import { describe, expect, it } from "vitest";
import { defaultIngestConfig, ingestConfigFromEnv } from "./config";
import { Redactor } from "./redact";

describe("ingestConfigFromEnv", () => {
  it("is the defaults when nothing is set", () => {
    expect(ingestConfigFromEnv({})).toEqual(defaultIngestConfig);
    expect(defaultIngestConfig.limits.maxBodyBytes).toBe(20 * 1024 * 1024);
    expect(defaultIngestConfig.limits.span.attributeCount).toBe(128);
  });

  it("takes limits, concurrency and extra redaction rules from the environment", () => {
    const config = ingestConfigFromEnv({
      INGEST_MAX_BODY_BYTES: "1048576",
      INGEST_ATTRIBUTE_COUNT_LIMIT: "64",
      INGEST_MAX_CONCURRENT: "2",
      INGEST_MAX_QUEUED: "0",
      INGEST_REDACT_KEYS: "member id, pin$, *badge*",
      INGEST_REDACT_PATTERNS: '[{"name": "employee_id", "pattern": "emp-\\\\d{6}", "flags": "i"}]',
    });
    expect(config.limits.maxBodyBytes).toBe(1048576);
    expect(config.limits.span.attributeCount).toBe(64);
    expect(config).toMatchObject({ maxConcurrent: 2, maxQueued: 0 });
    const redactor = new Redactor(config.redaction);
    expect(redactor.isSensitiveKey("memberId")).toBe(true);
    expect(redactor.isSensitiveKey("user.pin")).toBe(true);
    expect(redactor.isSensitiveKey("pin.count")).toBe(false);
    expect(redactor.isSensitiveKey("staffBadgeNo")).toBe(true);
    const counts = {};
    expect(redactor.text("EMP-123456 and emp-654321", counts)).toBe("[REDACTED:employee_id] and [REDACTED:employee_id]");
  });

  it("names every bad setting in one error", () => {
    expect(() => ingestConfigFromEnv({ INGEST_MAX_CONCURRENT: "0", INGEST_MAX_BODY_BYTES: "lots" })).toThrow(/INGEST_MAX_BODY_BYTES.*INGEST_MAX_CONCURRENT|INGEST_MAX_CONCURRENT.*INGEST_MAX_BODY_BYTES/);
    expect(() => ingestConfigFromEnv({ INGEST_REDACT_PATTERNS: "not json" })).toThrow(/INGEST_REDACT_PATTERNS: must be a JSON array/);
    expect(() => ingestConfigFromEnv({ INGEST_REDACT_PATTERNS: '[{"name": "x", "pattern": "("}]' })).toThrow(/rule x: Invalid regular expression/);
    expect(() => ingestConfigFromEnv({ INGEST_REDACT_KEYS: "pin, *member id*" })).toThrow(/INGEST_REDACT_KEYS: Secret name "\*member id\*": a \*stem\* or \*suffix is one word/);
  });
});
