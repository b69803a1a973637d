import { describe, expect, it } from "vitest";
import { bigintToSpanId, spanIdToBigint, traceIdToUuid, uuidToTraceId } from "./ids";

describe("span ids", () => {
  it("reads ids with the high bit set as negative bigints and back", () => {
    expect(spanIdToBigint("ffffffffffffffff")).toBe(-1n);
    expect(spanIdToBigint("8000000000000000")).toBe(-9223372036854775808n);
    expect(spanIdToBigint("7fffffffffffffff")).toBe(9223372036854775807n);
    expect(spanIdToBigint("00f067aa0ba902b7")).toBe(67667974448284343n);
    for (const hex of ["ffffffffffffffff", "8000000000000000", "7fffffffffffffff", "00f067aa0ba902b7", "0000000000000001", "deadbeefcafef00d"]) {
      expect(bigintToSpanId(spanIdToBigint(hex))).toBe(hex);
    }
  });

  it("accepts upper-case hex and refuses anything that is not 16 hex digits", () => {
    expect(spanIdToBigint("DEADBEEFCAFEF00D")).toBe(spanIdToBigint("deadbeefcafef00d"));
    for (const bad of ["", "123", "0x00f067aa0ba902", "00f067aa0ba902b7a", "zzzzzzzzzzzzzzzz"]) {
      expect(() => spanIdToBigint(bad)).toThrow(/span id/);
    }
  });

});

describe("trace ids", () => {
  it("maps the 32-hex trace id to a uuid and back", () => {
    const hex = "4bf92f3577b34da6a3ce929d0e0e4736";
    expect(traceIdToUuid(hex)).toBe("4bf92f35-77b3-4da6-a3ce-929d0e0e4736");
    expect(uuidToTraceId(traceIdToUuid(hex))).toBe(hex);
    expect(uuidToTraceId("4BF92F35-77B3-4DA6-A3CE-929D0E0E4736")).toBe(hex);
    expect(() => traceIdToUuid("4bf92f35")).toThrow(/trace id/);
    expect(() => uuidToTraceId("not-a-uuid")).toThrow(/uuid/);
  });
});
