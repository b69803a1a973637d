import Link from "next/link";
import type { InvestigateView } from "@/lib/investigate/investigate-params";

const TABS: { view: InvestigateView; label: string; question: string }[] = [
  { view: "errors", label: "Errors by tenant", question: "Which tenant experienced this failure?" },
  { view: "retries", label: "Retry loops", question: "Where did retry loops occur?" },
  { view: "slow", label: "Slow requests", question: "Which service caused latency?" },
  { view: "lineage", label: "Job lineage", question: "Which request triggered this job?" },
];

/** One tab per question; switching keeps the tenant and time filters, drops the view's own. */
export function ViewTabs({ current, shared }: { current: InvestigateView; shared: URLSearchParams }) {
  return (
    <nav aria-label="Investigations" className="mb-3 flex flex-wrap gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {TABS.map((tab) => {
        const params = new URLSearchParams(shared);
        params.set("view", tab.view);
        return (
          <Link
            key={tab.view}
            href={`/investigate?${params.toString()}`}
            prefetch={false}
            title={tab.question}
            aria-current={tab.view === current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-1.5 ${tab.view === current ? "border-zinc-800 font-medium dark:border-zinc-200" : "border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"}`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}

export function questionOf(view: InvestigateView): string {
  return TABS.find((t) => t.view === view)!.question;
}
