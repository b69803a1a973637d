import { describe, expect, it } from "vitest";
import { resourceId } from "./resource-id";

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
});
