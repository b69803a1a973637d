import { resourceId, scopeId, type ScopeFields } from "../../db/span-codec/resource-id";
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

/** The scope of every demo span: what an instrumented service's own tracer would be. */
export const DEMO_SCOPE: ScopeFields & { id: string } = (() => {
  const fields = { name: "trace-explorer-demo", version: "1.0.0", attributes: {}, droppedAttributesCount: 0, schemaUrl: "" };
  return { ...fields, id: scopeId(fields).toString() };
})();

/** The flags of every demo span: sampled, and the parent not remote, as the OpenTelemetry JS SDK sends them. */
export const DEMO_SPAN_FLAGS = 0x101;

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

const SERVICE_INDEX = new Map<ServiceName, number>(SERVICES.map((s, i) => [s, i]));

/**
 * The pod that serves `service` in one trace: the same for all of the trace's spans and logs of
 * that service, chosen by the trace's first span id.
 */
export function podFor(resources: Map<ServiceName, DemoResource[]>, service: ServiceName, trace: { spans: readonly { lo: number }[] }): DemoResource {
  const salt = trace.spans[0]?.lo ?? 0;
  const pods = resources.get(service)!;
  return pods[(salt + SERVICE_INDEX.get(service)! * 7) % pods.length]!;
}
