import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpanStreamDecoder, SpanStreamError } from "@/lib/waterfall/span-binary-decoder";
import type { SpanChunk, SpanTuple } from "@/lib/waterfall/span-page";
import { TraceModelBuilder, type TraceModel } from "@/lib/waterfall/trace-model";
import { SpanFrameWriter, streamEnd, streamPreamble } from "./span-frame-writer";

// The binary span stream against the NDJSON one it replaces in the browser: any chunks of
// tuples, written as frames and decoded, give the very model their JSON gives; and any stream
// cut short or damaged is an error, never a model.

const hex16 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => n.toString(16).padStart(16, "0"));

/** Tuples as the NDJSON carries them: ids often repeated as parents and link targets, values across their range. */
const chunksArb = fc
  .array(hex16, { minLength: 1, maxLength: 40 })
  .chain((ids) => {
    const ref = fc.oneof(fc.constantFrom(...ids), hex16);
    const tuple: fc.Arbitrary<SpanTuple> = fc.tuple(
      fc.constantFrom(...ids),
      fc.oneof(fc.constant(""), ref),
      fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.maxSafeInteger(), fc.constant(-0)),
      fc.oneof(fc.nat(), fc.double({ min: -0, max: 2 ** 63, noNaN: true })),
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.oneof(fc.constantFrom("GET /", "SELECT"), fc.string({ unit: "binary", maxLength: 12 })),
      fc.integer({ min: -32768, max: 32767 }),
      fc.integer({ min: -32768, max: 32767 }),
      fc.option(fc.array(fc.option(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))), { minLength: 1, maxLength: 4 }), {
        nil: null,
      }) as fc.Arbitrary<number[] | null>,
      fc.option(
        fc.array(fc.oneof(ref, ref.map((id) => id.toUpperCase()), fc.string({ maxLength: 20 }), fc.constant(null)), { minLength: 1, maxLength: 4 }),
        { nil: null },
      ) as fc.Arbitrary<string[] | null>,
    );
    return fc.array(fc.array(tuple, { minLength: 1, maxLength: 30 }), { maxLength: 4 });
  });

/** The stream the server writes for these chunks, one frame each. */
function binaryStream(chunks: SpanChunk[]): Uint8Array {
  const parts = [streamPreamble()];
  for (const chunk of chunks) {
    const frame = new SpanFrameWriter(chunk.length);
    for (const [id, parent, start, duration, service, name, kind, status, events, links] of chunk) {
      const i = frame.span(id, parent === "" ? null : parent, start, duration, service, name, kind, status);
      if (events) frame.events(i, events);
      if (links) frame.links(i, links);
    }
    parts.push(frame.finish());
  }
  parts.push(streamEnd(chunks.reduce((n, c) => n + c.length, 0)));
  return Buffer.concat(parts);
}

/** Decodes the bytes, handed over in pieces cut at `cuts`. */
function decode(bytes: Uint8Array, cuts: number[] = []): TraceModel {
  const builder = new TraceModelBuilder();
  const decoder = new SpanStreamDecoder((batch) => builder.addBatch(batch));
  let from = 0;
  for (const cut of [...cuts.filter((c) => c < bytes.length)].sort((a, b) => a - b)) {
    decoder.push(bytes.subarray(from, cut));
    from = cut;
  }
  decoder.push(bytes.subarray(from));
  decoder.end();
  return builder.build();
}

function ndjsonModel(chunks: SpanChunk[]): TraceModel {
  const builder = new TraceModelBuilder();
  for (const chunk of chunks) builder.add(JSON.parse(JSON.stringify(chunk)) as SpanChunk);
  return builder.build();
}

describe("the binary span stream", () => {
  it("gives the model the NDJSON of the same tuples gives, however the network splits it", () => {
    fc.assert(
      fc.property(chunksArb, fc.array(fc.nat(), { maxLength: 6 }), (chunks, cuts) => {
        const bytes = binaryStream(chunks);
        expect(decode(bytes, cuts.map((c) => c % (bytes.length + 1)))).toEqual(ndjsonModel(chunks));
      }),
      { numRuns: 300 },
    );
  });

  it("is an error, never a smaller trace, when cut short anywhere", () => {
    fc.assert(
      fc.property(chunksArb, fc.nat(), (chunks, at) => {
        const bytes = binaryStream(chunks);
        const cut = at % bytes.length;
        expect(() => decode(bytes.subarray(0, cut))).toThrow(SpanStreamError);
      }),
      { numRuns: 300 },
    );
  });

  it("is an error when bytes follow its end, a frame's length lies or the end mark miscounts; a changed count is an error or changes nothing", () => {
    fc.assert(
      fc.property(chunksArb.filter((c) => c.length > 0), fc.integer({ min: 1, max: 255 }), fc.nat(7), (chunks, delta, field) => {
        const bytes = binaryStream(chunks);
        expect(() => decode(Buffer.concat([bytes, Uint8Array.of(delta)]))).toThrow(SpanStreamError);
        // A count of the first frame's header (bytes 12.. of the stream), changed: one more
        // string can fall in the table's padding (an unused "" then), never a different model.
        const counts = Uint8Array.from(bytes);
        counts[12 + 4 * field] = (counts[12 + 4 * field]! + delta) & 255;
        let model: TraceModel | undefined;
        try {
          model = decode(counts);
        } catch (error) {
          expect(error).toBeInstanceOf(SpanStreamError);
        }
        if (model) expect(model).toEqual(decode(bytes));
        const length = Uint8Array.from(bytes);
        length[8] = (length[8]! + delta) & 255;
        expect(() => decode(length)).toThrow(SpanStreamError);
        const end = Uint8Array.from(bytes);
        end[end.length - 4] = (end[end.length - 4]! + delta) & 255;
        expect(() => decode(end)).toThrow(SpanStreamError);
      }),
      { numRuns: 200 },
    );
  });

  it("names what is wrong: another format or version, a string index past its table, text that is not UTF-8", () => {
    const chunks: SpanChunk[] = [[["00000000000000aa", "", 0, 1000, "api", "GET /", 2, 0, null, null]]];
    const bytes = binaryStream(chunks);
    expect(() => decode(Uint8Array.from(Buffer.from("{\"error\":\"x\"}")))).toThrow("not a binary span stream");
    const version = Uint8Array.from(bytes);
    version[4] = 2;
    expect(() => decode(version)).toThrow("span stream version 2");
    // The payload starts at 12; service[0] sits at its `service` offset (frameLayout: 32 + 8 + 8).
    const index = Uint8Array.from(bytes);
    index[12 + 48] = 9;
    expect(() => decode(index)).toThrow("a string index past the table");
    const utf8 = Uint8Array.from(bytes);
    utf8[utf8.length - 8 - 8] = 0xff;
    expect(() => decode(utf8)).toThrow(/damaged span stream/);
    expect(() => decode(new Uint8Array(0))).toThrow("the span stream ended early");
    expect(decode(binaryStream([])).size).toBe(0);
  });
});
