import { describe, expect, it } from "vitest";
import { demoResources, PODS_PER_SERVICE, resourceId, SERVICES } from "./resources";

describe("resourceId", () => {
  it("depends on the attributes, not on their order", () => {
    expect(resourceId({ "service.name": "web-api", "k8s.pod.name": "p1" })).toBe(resourceId({ "k8s.pod.name": "p1", "service.name": "web-api" }));
    expect(resourceId({ "service.name": "web-api", "k8s.pod.name": "p1" })).not.toBe(resourceId({ "service.name": "web-api", "k8s.pod.name": "p2" }));
    // Nested kvlists too: jsonb gives them back in its own key order.
    expect(resourceId({ k: [{ b: 1, a: { d: 2, c: 3 } }] })).toBe(resourceId({ k: [{ a: { c: 3, d: 2 }, b: 1 }] }));
    expect(resourceId({ k: [1, 2] })).not.toBe(resourceId({ k: [2, 1] }));
    // What joins the hash counts.
    expect(resourceId({ k: 1 }, ["u"])).not.toBe(resourceId({ k: 1 }));
    expect(resourceId({ k: 1 }, ["u"])).not.toBe(resourceId({ k: 1 }, ["v"]));
  });

  it("is a signed 64-bit value", () => {
    const ids = [...demoResources().values()].flat().map((r) => BigInt(r.id));
    for (const id of ids) expect(BigInt.asIntN(64, id)).toBe(id);
    // SHA-256 bits: about half the ids have the high bit set.
    expect(ids.some((id) => id < 0n)).toBe(true);
  });
});

describe("demoResources", () => {
  it("gives every service a few distinct pods, the same on every call", () => {
    const first = demoResources();
    expect([...first.keys()]).toEqual([...SERVICES]);
    const ids = [...first.values()].flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(SERVICES.length * PODS_PER_SERVICE);
    expect([...demoResources().values()].flat().map((r) => r.id)).toEqual(ids);
    for (const [service, pods] of first) {
      for (const pod of pods) expect(pod.attributes["service.name"]).toBe(service);
    }
  });
});
