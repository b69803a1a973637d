import { describe, expect, it } from "vitest";
import { errorSpans, matchSpans, stepFrom } from "./find";
import { pageOf } from "./testing";
import { spanIdOf, TraceModelBuilder, type TraceModel } from "./trace-model";
import { visibleRows } from "./tree-rows";

// root ─┬─ a (error) ── a1
//       └─ b ── b1 (error, name "charge card")
function model(): { m: TraceModel; order: Int32Array; ids: (list: Int32Array) => string[] } {
  const builder = new TraceModelBuilder();
  builder.add(
    pageOf([
      { id: "1", start: 0, duration: 100, name: "GET /orders", service: "api" },
      { id: "2", parent: "1", start: 1, name: "load", service: "orders", status: 2 },
      { id: "3", parent: "2", start: 2, name: "SELECT", service: "db", status: 1 },
      { id: "4", parent: "1", start: 50, name: "pay", service: "billing" },
      { id: "5", parent: "4", start: 60, name: "charge card", service: "billing", status: 2 },
    ]),
  );
  const m = builder.build();
  return { m, order: visibleRows(m, new Set()).rowOf, ids: (list) => Array.from(list, (i) => spanIdOf(m, i).replace(/^0+/, "")) };
}

describe("matchSpans", () => {
  it("matches names and services in any case, in tree order", () => {
    const { m, order, ids } = model();
    expect(ids(matchSpans(m, "BILLING", order))).toEqual(["4", "5"]);
    expect(ids(matchSpans(m, "select", order))).toEqual(["3"]);
    expect(ids(matchSpans(m, "  ", order))).toEqual([]);
  });

  it("matches the status: `error`, `err`, `status:error`; `ok` only as the whole word", () => {
    const { m, order, ids } = model();
    expect(ids(matchSpans(m, "error", order))).toEqual(["2", "5"]);
    expect(ids(matchSpans(m, "Err", order))).toEqual(["2", "5"]);
    expect(ids(matchSpans(m, "status:error", order))).toEqual(["2", "5"]);
    expect(ids(matchSpans(m, "ok", order))).toEqual(["3"]);
    // Two letters of a status are not a status search: "er" matches names and services only, not span 5.
    expect(ids(matchSpans(m, "er", order))).toEqual(["1", "2"]);
  });

  it("adds the server's matches (attributes, events) and drops ids not in the trace", () => {
    const { m, order, ids } = model();
    expect(ids(matchSpans(m, "exception", order, ["0000000000000004", "00000000000000ff"]))).toEqual(["4"]);
  });

  it("errors only: keeps the error spans among the matches, or all of them with no text", () => {
    const { m, order, ids } = model();
    expect(ids(matchSpans(m, "billing", order, [], true))).toEqual(["5"]);
    expect(ids(matchSpans(m, "", order, [], true))).toEqual(["2", "5"]);
    expect(ids(matchSpans(m, "pay", order, [], true))).toEqual([]);
    expect(ids(errorSpans(m, order))).toEqual(["2", "5"]);
  });
});

describe("stepFrom", () => {
  it("goes to the next or previous listed span after any span, wrapping around", () => {
    const { m, order, ids } = model();
    const errors = errorSpans(m, order);
    const at = (id: string) => m.indexOf.get(id.padStart(16, "0"))!;
    const step = (from: number, delta: 1 | -1) => ids(Int32Array.of(stepFrom(errors, order, from, delta)))[0];
    expect(step(-1, 1)).toBe("2");
    expect(step(-1, -1)).toBe("5");
    expect(step(at("1"), 1)).toBe("2");
    expect(step(at("2"), 1)).toBe("5");
    expect(step(at("3"), 1)).toBe("5");
    expect(step(at("5"), 1)).toBe("2");
    expect(step(at("2"), -1)).toBe("5");
    expect(step(at("4"), -1)).toBe("2");
    expect(step(at("5"), -1)).toBe("2");
    expect(stepFrom(new Int32Array(0), order, at("1"), 1)).toBe(-1);
  });
});
