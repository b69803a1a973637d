import { BlockList, isIP } from "node:net";

/**
 * Which peers may tell us who their client was (`TRUSTED_PROXIES`): nobody (the default, the
 * socket address is the client), the nearest `hops` proxies, or proxies at these addresses.
 */
export type ProxyTrust = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "list"; list: BlockList };

export class ProxyTrustError extends Error {}

/** An address as the database should keep it: valid, without an IPv6 zone, IPv4-mapped made IPv4. */
export function normalizeAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const address = value.trim().replace(/%[^%]*$/, "");
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

const familyOf = (address: string) => (isIP(address) === 6 ? "ipv6" : "ipv4");

/**
 * Parses `TRUSTED_PROXIES`: empty for none, a number of hops (`1`: one proxy in front of the
 * app), or comma-separated addresses and CIDR ranges (`10.0.0.0/8, ::1`). Anything else is a
 * configuration error, thrown at start rather than silently trusting too much or too little.
 */
export function parseTrustedProxies(value: string | undefined): ProxyTrust {
  const text = value?.trim() ?? "";
  if (text === "" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new ProxyTrustError(`TRUSTED_PROXIES=${text}: at most 32 hops.`);
    return { kind: "hops", hops };
  }
  const list = new BlockList();
  for (const entry of text.split(",").map((e) => e.trim())) {
    const [raw, prefix, extra] = entry.split("/");
    const address = normalizeAddress(raw);
    const bits = prefix === undefined ? undefined : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    const max = address && familyOf(address) === "ipv6" ? 128 : 32;
    if (!address || extra !== undefined || (bits !== undefined && !(bits <= max))) {
      throw new ProxyTrustError(`TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range or a hop count.`);
    }
    if (bits === undefined) list.addAddress(address, familyOf(address));
    else list.addSubnet(address, bits, familyOf(address));
  }
  return { kind: "list", list };
}

/**
 * The client's address: the socket peer, unless it is a trusted proxy, in which case the
 * `X-Forwarded-For` entries are read from the right (each appended by the hop before it) up to
 * the first one not written by a trusted proxy. Entries further left are whatever the client
 * sent and are never used. Null when the chosen entry is not a valid IP.
 */
export function clientAddress(peer: string | null, forwardedFor: string | null, trust: ProxyTrust): string | null {
  const socket = normalizeAddress(peer);
  if (trust.kind === "none" || socket === null || !forwardedFor) return socket;
  // Nearest first: the socket peer, then X-Forwarded-For from its right end.
  const hops = [socket, ...forwardedFor.split(",").reverse()];
  if (trust.kind === "hops") return normalizeAddress(hops[Math.min(trust.hops, hops.length - 1)]);
  let i = 0;
  for (;;) {
    const address = i === 0 ? socket : normalizeAddress(hops[i]);
    if (address === null) return null;
    if (i === hops.length - 1 || !trust.list.check(address, familyOf(address))) return address;
    i++;
  }
}

/**
 * The header in which the app's own HTTP server (scripts/startup/app-server.mjs) passes each
 * request's socket address to the app, replacing whatever a client sent under that name. The
 * server names it in TE_PEER_ADDRESS_HEADER; under any other server (a bare `next start`) the
 * header is not read, since a client could have written it, and the address is unknown.
 */
export const PEER_ADDRESS_HEADER = "x-te-peer-address";

let cachedTrust: { source: string | undefined; trust: ProxyTrust } | undefined;

function configuredTrust(): ProxyTrust {
  const source = process.env.TRUSTED_PROXIES;
  if (cachedTrust === undefined || cachedTrust.source !== source) cachedTrust = { source, trust: parseTrustedProxies(source) };
  return cachedTrust.trust;
}

/** The client address of a request, per TRUSTED_PROXIES; null when it cannot be known. */
export function clientAddressOf(headers: { get(name: string): string | null }): string | null {
  if (process.env.TE_PEER_ADDRESS_HEADER !== PEER_ADDRESS_HEADER) return null;
  return clientAddress(headers.get(PEER_ADDRESS_HEADER), headers.get("x-forwarded-for"), configuredTrust());
}
