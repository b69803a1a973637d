import { describe, expect, it } from "vitest";
import { encodeAuditDetails, encodeAuditText } from "./encode";

describe("audit value encoding", () => {
  it("turns CR/LF and other control characters into visible escapes", () => {
    const forged = "curl/8.0\r\n2026-01-01 admin login success\u001b[2J";
    const encoded = encodeAuditText(forged);
    expect(encoded).not.toMatch(/[\r\n\u001b]/);
    expect(encoded).toBe("curl/8.0\\r\\n2026-01-01 admin login success\\u001b[2J");
  });

  it("cuts oversized values and says how much was cut", () => {
    const encoded = encodeAuditText("x".repeat(10_000));
    expect(encoded.length).toBeLessThan(600);
    expect(encoded).toContain("[9488 more]");
  });

  it("encodes nested filter values and keys", () => {
    expect(encodeAuditDetails({ "service\n": ["a\rb"], limit: 50, ok: true })).toEqual({
      "service\\n": ["a\\rb"],
      limit: 50,
      ok: true,
    });
  });
});
