import { z } from "zod";
import benignData from "./benign.json";
import leakData from "./leaks.json";

/**
 * The one test corpus of both redaction engines: leaks that must never be stored or exported
 * (`secret` is the text that must not be found anywhere afterwards), and benign values that
 * must come out exactly as they went in. Both engines' tests and bench/redaction.ts read it.
 */

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };
const plain: z.ZodType<Plain> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.array(plain), z.record(z.string(), plain)]));

const named = { name: z.string().min(1), secret: z.string().min(4) };
const leakSchema = z.discriminatedUnion("in", [
  // A string value of an attribute of the span, an event, a link or the resource.
  z.object({ ...named, in: z.enum(["attribute", "event_attribute", "link_attribute", "resource"]), key: z.string(), value: z.string() }),
  z.object({ ...named, in: z.enum(["int", "double"]), key: z.string(), value: z.number() }),
  // The UTF-8 bytes of `value`, sent as a bytes value.
  z.object({ ...named, in: z.literal("bytes"), key: z.string(), value: z.string() }),
  z.object({ ...named, in: z.literal("array"), key: z.string(), value: z.array(z.union([z.string(), z.number()])) }),
  z.object({ ...named, in: z.literal("kvlist"), key: z.string(), value: z.record(z.string(), plain) }),
  // The secret is in the attribute key itself.
  z.object({ ...named, in: z.literal("key"), value: z.string() }),
  z.object({ ...named, in: z.enum(["event_name", "status", "span_name"]), value: z.string() }),
]);

export type LeakCase = z.infer<typeof leakSchema>;
export type LeakPlace = LeakCase["in"];

const benignSchema = z.object({ name: z.string().min(1), key: z.string(), value: z.union([z.string(), z.number()]) });
export type BenignCase = z.infer<typeof benignSchema>;

export const leakCorpus: readonly LeakCase[] = z.array(leakSchema).parse(leakData);
export const benignCorpus: readonly BenignCase[] = z.array(benignSchema).parse(benignData);

/** Texts whose presence anywhere means the case leaked: the secret, and for bytes their base64. */
export function leakNeedles(leak: LeakCase): string[] {
  return leak.in === "bytes" ? [leak.secret, Buffer.from(leak.value).toString("base64")] : [leak.secret];
}
