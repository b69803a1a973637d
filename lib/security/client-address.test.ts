import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, parseTrustedProxies, ProxyTrustError } from "./client-address";

const none = parseTrustedProxies(undefined);

describe("clientAddress", () => {
  it.each(["=1+1", "<svg onload=alert(1)>", "203.0.113.9", "203.0.113.9, 10.0.0.1", "127.0.0.1"])(
    "ignores a forged X-Forwarded-For (%s) without trusted proxies: the socket address it is",
    (xff) => {
      expect(clientAddress("198.51.100.7", xff, none)).toBe("198.51.100.7");
    },
  );

  it("takes the right-most hop not written by a trusted proxy, never what the client put further left", () => {
    const trust = parseTrustedProxies("10.0.0.0/8, 192.168.1.1");
    // client wrote "1.2.3.4"; the real client 203.0.113.9 was appended by the outer proxy.
    expect(clientAddress("10.0.0.2", "1.2.3.4, 203.0.113.9, 192.168.1.1", trust)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.2", "<svg>, 203.0.113.9", trust)).toBe("203.0.113.9");
    // Through trusted proxies only, the left-most hop is the client.
    expect(clientAddress("10.0.0.2", "10.1.1.1", trust)).toBe("10.1.1.1");
    // A peer that is not a trusted proxy cannot vouch for anyone.
    expect(clientAddress("198.51.100.7", "203.0.113.9", trust)).toBe("198.51.100.7");
    // The hop a trusted proxy vouched for is not an IP: unknown, never the text.
    expect(clientAddress("10.0.0.2", "203.0.113.9, =1+1", trust)).toBeNull();
  });

  it("counts hops from the socket when TRUSTED_PROXIES is a number", () => {
    const one = parseTrustedProxies("1");
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.9", one)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3", parseTrustedProxies("2"))).toBe("203.0.113.9");
    // Fewer hops than configured: the farthest one a trusted proxy wrote.
    expect(clientAddress("10.0.0.2", null, one)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "203.0.113.9", parseTrustedProxies("3"))).toBe("203.0.113.9");
  });

  it("stores only valid IPs, IPv4-mapped addresses as IPv4", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeAddress("1.2.3.4:80")).toBeNull();
    expect(normalizeAddress("=cmd|' /C calc'!A0")).toBeNull();
    expect(clientAddress(null, "203.0.113.9", none)).toBeNull();
  });
});

describe("parseTrustedProxies", () => {
  it("reads addresses, ranges and hop counts, and refuses anything else", () => {
    expect(parseTrustedProxies("")).toEqual({ kind: "none" });
    expect(parseTrustedProxies("2")).toEqual({ kind: "hops", hops: 2 });
    const list = parseTrustedProxies("127.0.0.1, ::1, 172.16.0.0/12");
    expect(list.kind === "list" && list.list.check("172.20.1.1")).toBe(true);
    expect(list.kind === "list" && list.list.check("::1", "ipv6")).toBe(true);
    for (const bad of ["loopback", "10.0.0.0/33", "::/129", "10.0.0.1/8/8", "1.2.3", "10.0.0.1,"]) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(ProxyTrustError);
    }
  });
});
