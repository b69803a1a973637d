import { describe, expect, it } from "vitest";
import { demoResources, PODS_PER_SERVICE, SERVICES } from "./resources";

describe("demoResources", () => {
  it("gives resources signed 64-bit ids", () => {
    const ids = [...demoResources().values()].flat().map((r) => BigInt(r.id));
    for (const id of ids) expect(BigInt.asIntN(64, id)).toBe(id);
    // SHA-256 bits: about half the ids have the high bit set.
    expect(ids.some((id) => id < 0n)).toBe(true);
  });

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
