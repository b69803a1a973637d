import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { hrefWithout, parseLeniently } from "@/lib/http/lenient-params";
import { edgeSearchHref, serviceLatencyHref } from "@/lib/services/links";
import { serviceMap } from "@/lib/services/report";
import { serviceMapAudit, serviceMapFilters, serviceMapRequest } from "@/lib/services/service-map-params";
import { tenantsInScope } from "@/lib/tenants/in-scope";
import { InvalidParams } from "@/components/filters/invalid-params";
import { PageHeader } from "@/components/shell/page-header";
import { EdgesTable } from "@/components/services/edges-table";
import { edgeId } from "@/components/services/map-data";
import { ServiceGraph } from "@/components/services/service-graph";
import { ServiceMapFilters } from "@/components/services/service-map-filters";

export const metadata: Metadata = { title: "Services" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ServicesPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  // Invalid parameters are left out and listed; the map shows what the valid rest asks for.
  const { data, problems, dropped } = parseLeniently(serviceMapRequest, raw);
  const filters = data ?? serviceMapFilters({});
  const access = await pageAccess("traces:read", {
    audit: "services.map",
    resource: "/services",
    tenants: filters.tenants.length > 0 ? filters.tenants : undefined,
    details: problems.length ? { ...serviceMapAudit(filters), ignored: problems } : serviceMapAudit(filters),
  });
  const [tenants, map] = await Promise.all([tenantsInScope(access.scope), serviceMap(access.scope, filters)]);
  const nodes = map.nodes.map((n) => ({ ...n, href: serviceLatencyHref(n.service, filters) }));
  const edges = map.edges.map((e) => ({ ...e, id: edgeId(e.caller, e.service), href: edgeSearchHref(e, filters) }));
  return (
    <>
      <PageHeader title="Services" />
      <InvalidParams problems={problems} clearHref={hrefWithout("/services", raw, dropped)} />
      <ServiceMapFilters tenants={tenants} />
      {nodes.length === 0 ? (
        <p className="py-2 text-zinc-500" data-testid="service-map-empty">No spans in this window and these tenants.</p>
      ) : (
        <ServiceGraph nodes={nodes} edges={edges} />
      )}
      <EdgesTable edges={edges} />
    </>
  );
}
