import Link from "next/link";
import { Time } from "@/components/preferences/time-zone";
import { VisibleName } from "@/components/format/visible-name";
import { traceHref } from "@/lib/investigate/trace-link";
import type { LogLine } from "@/lib/logs/read";
import { levelOf } from "@/lib/filters/log-level";

const LEVEL_STYLE: Record<string, string> = {
  fatal: "text-red-700 font-semibold dark:text-red-300",
  error: "text-red-600 dark:text-red-400",
  warn: "text-amber-700 dark:text-amber-300",
};

/** A body as text: a string as itself, any other value as its JSON. */
function bodyText(line: LogLine): string {
  if (line.body === null || line.body === undefined) return "";
  return typeof line.body === "string" ? line.body : JSON.stringify(line.body);
}

/** Unix nanoseconds (decimal text) as the ISO instant, to the millisecond. */
function instant(timeNs: string): string {
  return new Date(Number(BigInt(timeNs) / 1_000_000n)).toISOString();
}

/**
 * Log lines, newest first. Bodies and names are untrusted text: rendered as text, with bidi
 * controls and zero-width characters shown escaped. A line of a trace links to it, on its span.
 */
export function LogsTable({ lines }: { lines: readonly LogLine[] }) {
  return (
    <table className="w-full border-collapse text-sm" data-testid="log-lines">
      <thead>
        <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
          <th className="py-1.5 pr-3 font-medium">Time</th>
          <th className="py-1.5 pr-3 font-medium">Tenant</th>
          <th className="py-1.5 pr-3 font-medium">Service</th>
          <th className="py-1.5 pr-3 font-medium">Level</th>
          <th className="py-1.5 pr-3 font-medium">Message</th>
          <th className="py-1.5 font-medium">Trace</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line, i) => {
          const level = levelOf(line.severityNumber);
          return (
            <tr key={`${line.timeNs}/${i}`} className="border-b border-zinc-100 align-top dark:border-zinc-900" data-testid="log-line">
              <td className="py-1 pr-3 whitespace-nowrap text-zinc-500">
                <Time at={instant(line.timeNs)} precision="millisecond" />
              </td>
              <td className="py-1 pr-3">{line.tenantId}</td>
              <td className="py-1 pr-3">{line.service ? <VisibleName text={line.service} /> : <span className="text-zinc-400">–</span>}</td>
              <td className={`py-1 pr-3 whitespace-nowrap ${LEVEL_STYLE[level ?? ""] ?? ""}`}>
                <VisibleName text={line.severityText ?? level ?? String(line.severityNumber)} />
              </td>
              <td className="py-1 pr-3 break-all whitespace-pre-wrap font-mono text-xs" dir="ltr">
                <VisibleName text={bodyText(line)} />
              </td>
              <td className="py-1 whitespace-nowrap">
                {line.traceId ? (
                  <Link
                    href={traceHref(line.traceId, line.tenantId, line.spanId)}
                    prefetch={false}
                    title={line.traceId}
                    aria-label={`Trace ${line.traceId}${line.spanId ? `, span ${line.spanId}` : ""}`}
                    className="font-mono text-xs underline"
                    data-testid="log-trace-link"
                  >
                    {line.traceId.slice(0, 8)}…
                  </Link>
                ) : (
                  <span className="text-zinc-400">–</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
