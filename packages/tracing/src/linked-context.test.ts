import { ROOT_CONTEXT, createContextKey, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { LinkedContext } from "./linked-context";

const A = createContextKey("a");
const B = createContextKey("b");

describe("LinkedContext", () => {
  it("reads its own value, then its parent's, and never changes a context it was derived from", () => {
    const parent = ROOT_CONTEXT.setValue(A, "from parent");
    const ctx = new LinkedContext(parent, B, "own");
    expect([ctx.getValue(A), ctx.getValue(B)]).toEqual(["from parent", "own"]);

    const overridden = ctx.setValue(A, "overridden");
    expect([overridden.getValue(A), overridden.getValue(B)]).toEqual(["overridden", "own"]);
    expect(ctx.getValue(A)).toBe("from parent");

    const deleted = overridden.deleteValue(B);
    expect([deleted.getValue(A), deleted.getValue(B)]).toEqual(["overridden", undefined]);
    expect(overridden.getValue(B)).toBe("own");
  });

  it("carries spans for the OpenTelemetry API like the API's own context", () => {
    const span = trace.wrapSpanContext({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 });
    const ctx = trace.setSpan(new LinkedContext(ROOT_CONTEXT, A, 1), span);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(ctx))).toBeUndefined();
    expect(ctx.getValue(A)).toBe(1);
  });
});
