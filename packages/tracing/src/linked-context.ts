import type { Context } from "@opentelemetry/api";

/**
 * An OpenTelemetry Context that adds one value on top of a parent: setting a value costs one
 * small object. The API's own context copies its whole Map and makes three closures on every
 * set (measured at 100–170 ns each), and a request scope sets three or four values (remote
 * parent, request id, server span, tenant). Lookups walk the chain, which stays a few links
 * long: each link is a scope or a span the code opened.
 */
export class LinkedContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    return key === this.key ? this.value : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  // An undefined value reads exactly like a deleted one: getValue returns undefined.
  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined);
  }
}
