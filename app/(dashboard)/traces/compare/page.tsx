import type { Metadata } from "next";
import Link from "next/link";
import { pageAccess } from "@/lib/auth/guard";
import { compareAccess } from "@/lib/compare/compare-access";
import { parseCompare, TYPICAL, type RawParams } from "@/lib/compare/compare-params";
import { hrefWithout } from "@/lib/http/lenient-params";
import { InvalidParams } from "@/components/filters/invalid-params";
import { CompareView } from "@/components/compare/compare-view";
import { PageHeader } from "@/components/shell/page-header";
import { TraceMessage } from "@/components/waterfall/trace-message";

export const metadata: Metadata = { title: "Compare traces" };

export default async function ComparePage({ searchParams }: { searchParams: Promise<RawParams> }) {
  const raw = await searchParams;
  const { request, problems, dropped } = parseCompare(raw);
  if (!request) {
    await pageAccess("traces:read", { audit: "trace.compare", resource: "/traces/compare", details: { rejected: "invalid input", problem: problems.join("; ") } });
    return (
      <>
        <PageHeader title="Compare traces" />
        <InvalidParams problems={problems} clearHref={hrefWithout("/traces/compare", raw, dropped)} usable={false} />
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Tick two traces in the Compare column of{" "}
          <Link href="/traces" prefetch={false} className="underline">
            Traces
          </Link>
          , or open a trace and compare it with a typical one.
        </p>
      </>
    );
  }
  const pair = await compareAccess(request);
  if (!pair.a || !pair.b) {
    const typicalMissing = pair.b !== null && request.a === TYPICAL;
    const missing = [pair.a || request.a === TYPICAL ? null : request.a, pair.b ? null : request.b].filter((id) => id !== null);
    return (
      <TraceMessage title={typicalMissing ? "No typical trace" : "Trace not found"}>
        {typicalMissing ? (
          <>No other trace of this trace&apos;s root operation started within an hour of it in its tenant, so there is nothing typical to compare it with.</>
        ) : (
          <>
            {missing.map((id, i) => (
              <span key={i}>
                {i > 0 && " nor "}
                {i === 0 ? "No trace " : "trace "}
                <code>{id}</code>
              </span>
            ))}{" "}
            in your tenants within their retention window.
          </>
        )}{" "}
        <Link href="/traces" prefetch={false} className="underline">
          Search traces
        </Link>
      </TraceMessage>
    );
  }
  return (
    <>
      <InvalidParams problems={problems} clearHref={hrefWithout("/traces/compare", raw, dropped)} />
      <CompareView a={pair.a} b={pair.b} typical={pair.typical} />
    </>
  );
}
