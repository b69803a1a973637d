import { z } from "zod";

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** A trace id as 32 hex digits (OTel's form) or as the stored uuid; the canonical form is hex. */
export function parseTraceId(value: string): string | null {
  const v = value.trim().toLowerCase();
  if (HEX32.test(v)) return v === "0".repeat(32) ? null : v;
  if (UUID.test(v)) return v.replaceAll("-", "");
  return null;
}

export const traceIdParam = z.string().transform((v, ctx) => {
  const id = parseTraceId(v);
  if (id === null) {
    ctx.addIssue({ code: "custom", message: "not a trace id (32 hex digits)" });
    return z.NEVER;
  }
  return id;
});

export const spanIdParam = z
  .string()
  .transform((v) => v.toLowerCase())
  .refine((v) => HEX16.test(v) && v !== "0".repeat(16), "not a span id (16 hex digits)");
