import fc from "fast-check";

/** A byte-level mutation: flip, drop, duplicate or overwrite a slice. */
export const mutation = fc.record({
  kind: fc.constantFrom("flip", "drop", "dup", "overwrite", "truncate"),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 16 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
});

type Mutation = { kind: string; at: number; length: number; bytes: Uint8Array };

export function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Buffer.from(input);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === "flip") out[at] = (out[at] ?? 0) ^ (1 << (m.length % 8));
    else if (m.kind === "drop") out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
    else if (m.kind === "dup") out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)]);
    else if (m.kind === "overwrite") out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at + m.bytes.length)]);
    else out = out.subarray(0, at);
  }
  return out;
}
