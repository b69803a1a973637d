import { createHash } from "node:crypto";
import { Random } from "./random";

/** The platform's services (ADR-012: web layer, domain services, workers, event flow). */
export const SERVICES = [
  "edge-gateway",
  "web-api",
  "accounts-service",
  "projects-service",
  "billing-service",
  "search-service",
  "notification-service",
  "audit-service",
  "outbox-relay",
  "job-worker",
  "scheduler",
] as const;

export type ServiceName = (typeof SERVICES)[number];

const VERSIONS: Record<ServiceName, string> = {
  "edge-gateway": "3.8.1",
  "web-api": "2024.11.4",
  "accounts-service": "1.42.0",
  "projects-service": "5.3.2",
  "billing-service": "2.17.5",
  "search-service": "1.9.0",
  "notification-service": "3.1.7",
  "audit-service": "1.4.3",
  "outbox-relay": "0.12.2",
  "job-worker": "2024.11.4",
  "scheduler": "1.2.0",
};

export const PODS_PER_SERVICE = 3;

export interface DemoResource {
  /** Signed 64-bit id as decimal text, ready for COPY. */
  id: string;
  attributes: Record<string, string>;
}

/**
 * The stable 64-bit id of a resource: the first 8 bytes of SHA-256 over its attributes with
 * sorted keys, read as a signed bigint. The same attributes always give the same id, so rows
 * are shared across runs and across tenants. `more` (JSON values) joins the hash when given:
 * a resource's schema URL and dropped count when set (so earlier ids stay), a scope's fields.
 */
export function resourceId(attributes: Record<string, unknown>, more?: readonly unknown[]): bigint {
  const sorted = Object.keys(attributes).sort().map((k) => [k, sortedKeys(attributes[k])]);
  const canonical = JSON.stringify(more ? [sorted, ...more] : sorted);
  return createHash("sha256").update(canonical).digest().readBigInt64BE(0);
}

/** An instrumentation scope's fields, as `scopes` holds them. */
export interface ScopeFields {
  name: string;
  version: string;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** The stable 64-bit id of an instrumentation scope, over all its fields (as resourceId). */
export function scopeId(scope: ScopeFields): bigint {
  return resourceId(scope.attributes, ["scope", scope.name, scope.version, scope.droppedAttributesCount, scope.schemaUrl]);
}

/** The scope of every demo span: what an instrumented service's own tracer would be. */
export const DEMO_SCOPE: ScopeFields & { id: string } = (() => {
  const fields = { name: "trace-explorer-demo", version: "1.0.0", attributes: {}, droppedAttributesCount: 0, schemaUrl: "" };
  return { ...fields, id: scopeId(fields).toString() };
})();

/** The flags of every demo span: sampled, and the parent not remote, as the OpenTelemetry JS SDK sends them. */
export const DEMO_SPAN_FLAGS = 0x101;

/**
 * A value with the keys of every nested object (a kvlist) sorted: jsonb keeps no key order,
 * so a kvlist read back (an export sent again) must hash as it did when first received.
 */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(value).sort()) out[k] = sortedKeys((value as Record<string, unknown>)[k]);
  return out;
}

/** A few pods per service, named like Kubernetes names them; fixed, not tied to the seed. */
export function demoResources(): Map<ServiceName, DemoResource[]> {
  const rng = new Random(0x5eed);
  const byService = new Map<ServiceName, DemoResource[]>();
  for (const service of SERVICES) {
    const replicaSet = rng.hex(9);
    const pods: DemoResource[] = [];
    for (let i = 0; i < PODS_PER_SERVICE; i++) {
      const pod = `${service}-${replicaSet}-${rng.hex(5)}`;
      const attributes = {
        "service.name": service,
        "service.namespace": "platform",
        "service.version": VERSIONS[service],
        "service.instance.id": pod,
        "deployment.environment.name": "production",
        "cloud.provider": "aws",
        "cloud.region": "eu-west-1",
        "k8s.namespace.name": "platform",
        "k8s.pod.name": pod,
        "telemetry.sdk.name": "opentelemetry",
        "telemetry.sdk.language": "nodejs",
        "telemetry.sdk.version": "2.12.1",
      };
      pods.push({ id: resourceId(attributes).toString(), attributes });
    }
    byService.set(service, pods);
  }
  return byService;
}
