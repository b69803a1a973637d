import { describe, expect, it } from "vitest";
import { COPY_NULL, copyChunks, copyJson, copyNullable, copyText, copyTextArray } from "./copy-text";

describe("COPY text fields", () => {
  it("leaves plain text alone and escapes backslash, tab, newline and carriage return", () => {
    expect(copyText("GET /api/projects/:id")).toBe("GET /api/projects/:id");
    expect(copyText("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyText("\\N")).toBe("\\\\N");
  });

  it("writes NULL as \\N and an empty string as an empty field", () => {
    expect(copyNullable(null)).toBe(COPY_NULL);
    expect(copyNullable(undefined)).toBe(COPY_NULL);
    expect(copyNullable("")).toBe("");
  });

  it("keeps a JSON string's escaped newline intact through COPY's own unescaping", () => {
    const field = copyJson({ "exception.stacktrace": "Error: x\n    at f (a.ts:1:2)", path: "C:\\tmp" });
    expect(field).not.toMatch(/[\t\n]/);
    // COPY turns `\\` back into `\`, which must give the original JSON text.
    const unescaped = field.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r" })[c] ?? c);
    expect(JSON.parse(unescaped)).toEqual({ "exception.stacktrace": "Error: x\n    at f (a.ts:1:2)", path: "C:\\tmp" });
  });

  it("quotes array elements that are not plain identifiers", () => {
    expect(copyTextArray(["edge-gateway", "web-api"])).toBe("{edge-gateway,web-api}");
    expect(copyTextArray([])).toBe("{}");
    expect(copyTextArray(["a b", 'q"x', "null"])).toBe('{"a b","q\\\\"x","null"}');
  });
});

describe("copyChunks", () => {
  it("gives every row once, in order, whole, in chunks that stay small", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i}\t${"x".repeat(i % 97)}\n`);
    const chunks = [...copyChunks(rows, (r) => r)];
    expect(chunks.join("")).toBe(rows.join(""));
    expect(chunks.length).toBeGreaterThan(1);
    // A chunk ends where a row does, and holds at most one row past the size.
    for (const chunk of chunks) {
      expect(chunk.endsWith("\n")).toBe(true);
      expect(chunk.length).toBeLessThan(60_000 + 200);
    }
  });

  it("gives nothing for no rows", () => {
    expect([...copyChunks([], String)]).toEqual([]);
  });
});
