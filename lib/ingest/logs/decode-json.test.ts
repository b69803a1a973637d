import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FALLBACK } from "../otlp-http/json-fast";
import { fastLogRecord, logRecord } from "./decode-json";

/** What the schema makes of a record: the record, or undefined when it refuses it. */
function bySchema(raw: unknown) {
  const parsed = logRecord.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** The fast reader either steps aside or gives exactly what the schema gives. */
function agrees(raw: unknown): boolean {
  const fast = fastLogRecord(raw);
  if (fast === FALLBACK) return false;
  expect(fast).toEqual(bySchema(raw));
  return true;
}

// Each field mostly in a form the fast reader takes, sometimes in another (edge values, rarer
// forms, wrong types), so records with one odd field among common ones are frequent.
const usually = <T, U>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) => fc.oneof({ arbitrary: common, weight: 4 }, { arbitrary: odd, weight: 1 });
const integerish = usually(
  fc.oneof(fc.integer({ min: -3, max: 3 }), fc.nat(), fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map(String), fc.constant(null)),
  fc.oneof(
    fc.integer(),
    fc.constantFrom(-0, 0.5, 2 ** 32, 2 ** 32 - 1, 2 ** 53, 2 ** 53 + 2, -1, Number.MAX_SAFE_INTEGER, 1e21),
    fc.bigInt({ min: -(1n << 65n), max: 1n << 65n }).map(String),
    fc.constantFrom("", "-0", "007", " 1", "1e3", "0x10", "18446744073709551615", "18446744073709551616", "9223372036854775808", "-9223372036854775809"),
    fc.constantFrom(null, undefined, true, [], {}),
  ),
);
const textish = usually(fc.oneof(fc.string(), fc.constant(null)), fc.constantFrom(undefined, 7, [], {}, "0AF7651916CD43DD8448EB211C80319C"));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.record({ stringValue: textish }, { requiredKeys: [] }),
    fc.record({ boolValue: usually(fc.boolean(), fc.constantFrom(null, "true", 1)) }, { requiredKeys: [] }),
    fc.record({ intValue: integerish }),
    fc.record({ doubleValue: usually(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom("NaN", "1.5", null)) }),
    fc.record({ bytesValue: fc.constantFrom("aGk=", null, "!") }),
    fc.record({ arrayValue: usually(fc.record({ values: usually(fc.array(tie("value"), { maxLength: 3 }), fc.constantFrom(null, {})) }, { requiredKeys: [] }), fc.constantFrom(null, [])) }),
    fc.record({ kvlistValue: usually(fc.record({ values: usually(fc.array(tie("kv"), { maxLength: 3 }), fc.constant(null)) }, { requiredKeys: [] }), fc.constant(null)) }),
    fc.record({ stringValue: fc.string(), intValue: integerish, unknown: fc.anything() }, { requiredKeys: [] }),
    fc.constantFrom(null, "text", 1, [], [{ stringValue: "x" }]),
  ),
  kv: usually(fc.record({ key: textish, value: fc.oneof(tie("value"), fc.constant(null)) }, { requiredKeys: [] }), fc.constantFrom(null, "k", [])),
})).value;
const record = usually(
  fc.record(
    {
      timeUnixNano: integerish,
      observedTimeUnixNano: integerish,
      severityNumber: usually(integerish, fc.constantFrom("SEVERITY_NUMBER_INFO", "INFO")),
      severityText: textish,
      body: value,
      attributes: usually(fc.array(fc.record({ key: textish, value }, { requiredKeys: [] }), { maxLength: 4 }), fc.constantFrom(null, {}, "a")),
      droppedAttributesCount: integerish,
      flags: integerish,
      traceId: textish,
      spanId: textish,
      eventName: textish,
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

describe("OTLP/JSON log records: the fast reader", () => {
  it("gives exactly what the schema gives, or leaves the record to it", () => {
    let taken = 0;
    // Each field through JSON, as the decoder sees the body.
    fc.assert(
      fc.property(record, (raw) => {
        const text = JSON.stringify(raw);
        if (text !== undefined && agrees(JSON.parse(text))) taken++;
      }),
      { numRuns: 5000 },
    );
    // Not a test that passes by stepping aside every time.
    expect(taken).toBeGreaterThan(200);
  });

  it("reads what SDKs send, and refuses nothing the schema accepts only in a rarer form", () => {
    const sdk = {
      timeUnixNano: "1764979200123456789",
      observedTimeUnixNano: 1764979200123,
      severityNumber: 17,
      severityText: "ERROR",
      body: { kvlistValue: { values: [{ key: "msg", value: { stringValue: "deadlock" } }, { key: "n", value: { intValue: "-12" } }, { key: "a", value: { arrayValue: { values: [{ doubleValue: 1.5 }, { boolValue: false }] } } }] } },
      attributes: [{ key: "tenant.id", value: { stringValue: "acme" } }],
      flags: 1,
      traceId: "0AF7651916CD43DD8448EB211C80319C",
      spanId: "B7AD6B7169203331",
    };
    expect(agrees(sdk)).toBe(true);
    expect((fastLogRecord(sdk) as { traceId: string }).traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    // The schema's rarer forms: to it, with the same result as before.
    for (const rare of [{ timeUnixNano: 2 ** 60 }, { severityNumber: "SEVERITY_NUMBER_WARN" }, { body: { bytesValue: "aGk=" } }, { body: { doubleValue: "NaN" } }, { flags: "1" }]) {
      expect(fastLogRecord(rare)).toBe(FALLBACK);
    }
    // Wrong types: to the schema, which refuses them with its message.
    for (const wrong of [[], "record", { timeUnixNano: -1 }, { flags: 2 ** 32 }, { attributes: {} }, { body: { stringValue: 5 } }, { traceId: 7 }]) {
      expect(fastLogRecord(wrong)).toBe(FALLBACK);
    }
  });
});
