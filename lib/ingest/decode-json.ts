import { z } from "zod";
import { DecodeError, type AnyValue, type KeyValue, type OtlpRequest } from "./otlp";

// OTLP/JSON is the protobuf JSON mapping with two OTLP rules: trace and span ids are hex (not
// base64) and enums are integers. Field names are lowerCamelCase; unknown fields are ignored
// (z.object strips them) and a null field means its default, as in proto3 JSON.

const MAX_UINT64 = (1n << 64n) - 1n;

const uint64 = z
  .union([z.string().regex(/^\d{1,20}$/, "expected an unsigned 64-bit integer"), z.number().int().nonnegative()])
  .nullish()
  .transform((v, ctx) => {
    const n = v == null ? 0n : BigInt(v);
    if (n > MAX_UINT64) {
      ctx.addIssue({ code: "custom", message: "expected an unsigned 64-bit integer" });
      return z.NEVER;
    }
    return n;
  });

const int64 = z
  .union([z.string().regex(/^-?\d{1,19}$/, "expected a 64-bit integer"), z.number().int()])
  .transform((v) => BigInt(v))
  .refine((n) => BigInt.asIntN(64, n) === n, "expected a 64-bit integer");

const uint32 = z
  .union([z.number().int().nonnegative().max(0xffffffff), z.string().regex(/^\d{1,10}$/).transform(Number)])
  .nullish()
  .transform((v) => v ?? 0);

const text = z.string().nullish().transform((v) => v ?? "");
const hexId = text.transform((v) => v.toLowerCase());

function enumOf(names: readonly string[]) {
  return z
    .union([z.number().int(), z.enum(names as [string, ...string[]]).transform((name) => names.indexOf(name))])
    .nullish()
    .transform((v) => v ?? 0);
}
const spanKind = enumOf(["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]);
const statusCode = enumOf(["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]);

const double = z.union([
  z.number(),
  z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number),
  z.string().regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/, "expected a number").transform(Number),
]);

const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, "expected base64")
  .transform((v) => Buffer.from(v, "base64"));

// Values keep the protobuf message shape, as the protobuf decoder hands them on.
const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.object({ key: text, value: anyValue.nullish() }));
const keyValues = z
  .array(keyValue)
  .nullish()
  .transform((v) => v ?? []);

const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().nullish(),
    boolValue: z.boolean().nullish(),
    intValue: int64.nullish(),
    doubleValue: double.nullish(),
    arrayValue: z.object({ values: z.array(anyValue).nullish() }).nullish(),
    kvlistValue: z.object({ values: z.array(keyValue).nullish() }).nullish(),
    bytesValue: base64.nullish(),
  }),
);

const event = z.object({
  timeUnixNano: uint64,
  name: text,
  attributes: keyValues,
  droppedAttributesCount: uint32,
});

const link = z.object({
  traceId: hexId,
  spanId: hexId,
  attributes: keyValues,
  droppedAttributesCount: uint32,
});

const span = z
  .object({
    traceId: hexId,
    spanId: hexId,
    parentSpanId: hexId,
    name: text,
    kind: spanKind,
    startTimeUnixNano: uint64,
    endTimeUnixNano: uint64,
    attributes: keyValues,
    droppedAttributesCount: uint32,
    events: z.array(event).nullish().transform((v) => v ?? []),
    droppedEventsCount: uint32,
    links: z.array(link).nullish().transform((v) => v ?? []),
    droppedLinksCount: uint32,
    status: z.object({ code: statusCode, message: text }).nullish(),
  })
  .transform(({ status, ...rest }) => ({ ...rest, statusCode: status?.code ?? 0, statusMessage: status?.message ?? "" }));

const scopeSpans = z
  .array(z.object({ spans: z.array(span).nullish() }))
  .nullish()
  .transform((scopes) => (scopes ?? []).flatMap((s) => s.spans ?? []));

const request = z.object({
  resourceSpans: z
    .array(
      z
        .object({
          resource: z.object({ attributes: keyValues }).nullish(),
          scopeSpans,
          // Deprecated since OTLP 0.15, still sent by old exporters.
          instrumentationLibrarySpans: scopeSpans,
        })
        .transform((rs) => ({
          resource: rs.resource?.attributes ?? [],
          spans: [...rs.scopeSpans, ...rs.instrumentationLibrarySpans],
        })),
    )
    .nullish()
    .transform((v) => v ?? []),
});

const MAX_REPORTED_ISSUES = 3;

/** Decodes an `application/json` ExportTraceServiceRequest (OTLP/JSON encoding). */
export function decodeJson(body: Uint8Array): OtlpRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (error) {
    throw new DecodeError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  const result = request.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    const more = result.error.issues.length - issues.length;
    throw new DecodeError(`The body is not a valid OTLP/JSON ExportTraceServiceRequest: ${issues.join("; ")}${more > 0 ? ` (and ${more} more)` : ""}`);
  }
  return result.data;
}
