import { describe, expect, it } from "vitest";
import { escapeInvisible, visibleParts } from "./visible-text";

describe("visible names", () => {
  it("escapes a right-to-left override so 'svc' + U+202E + 'evil' cannot pass for 'svclive'", () => {
    expect(visibleParts("svc\u202Eevil")).toEqual([
      { text: "svc", escaped: false },
      { text: "\\u202E", escaped: true },
      { text: "evil", escaped: false },
    ]);
    expect(escapeInvisible("svc\u202Eevil")).toBe("svc\\u202Eevil");
  });

  it("escapes every bidi control and zero-width character, at the edges and in a row", () => {
    const all = ["\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2060", "\u2066", "\u2067", "\u2068", "\u2069", "\uFEFF"];
    for (const c of all) {
      const escaped = escapeInvisible(`${c}a${c}${c}`);
      expect(escaped).toMatch(/^\\u[0-9A-F]{4}a\\u[0-9A-F]{4}\\u[0-9A-F]{4}$/);
      expect(visibleParts(`${c}a`)).toEqual([{ text: escaped.slice(0, 6), escaped: true }, { text: "a", escaped: false }]);
    }
    expect(escapeInvisible("\uFEFF")).toBe("\\uFEFF");
  });

  it("leaves every other character alone: accents, other scripts, emoji, a literal backslash-u", () => {
    for (const name of ["checkout", "café-api", "Служба", "مرحبا", "注文", "🚀 launch", "a\\u202Eb", "", "tab\there"]) {
      expect(escapeInvisible(name)).toBe(name);
      expect(visibleParts(name)).toEqual([{ text: name, escaped: false }]);
    }
  });
});
