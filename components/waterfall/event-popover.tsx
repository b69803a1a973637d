"use client";

import { formatDuration } from "@/lib/format/duration";
import { spanIdOf, type TraceModel } from "@/lib/waterfall/trace-model";
import { VisibleName } from "@/components/format/visible-name";
import { KeyValues } from "./span-detail";
import { useSpanDetail } from "./use-span-detail";

export interface EventAnchor {
  span: number;
  event: number;
  /** The tick's box on screen, where the popover hangs from. */
  rect: DOMRect;
}

const WIDTH = 360;

/**
 * One span event's details over its tick: name, when (into the span and since the trace's
 * start) and attributes. The span's details are fetched once and shared with the detail panel.
 */
export function EventPopover({ model, traceId, tenant, anchor }: { model: TraceModel; traceId: string; tenant: string; anchor: EventAnchor }) {
  const query = useSpanDetail(traceId, tenant, spanIdOf(model, anchor.span));
  const time = model.events.get(anchor.span)?.[anchor.event] ?? 0;
  const event = query.data?.events[anchor.event];
  const left = Math.max(8, Math.min(anchor.rect.left - WIDTH / 2, window.innerWidth - WIDTH - 8));
  return (
    <div
      role="tooltip"
      id="event-popover"
      data-testid="event-popover"
      className="pointer-events-none fixed z-50 rounded border border-zinc-300 bg-white p-2 text-xs shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      style={{ top: anchor.rect.bottom + 4, left, width: WIDTH }}
    >
      <p className="font-semibold">{event ? <VisibleName text={event.name} /> : query.isError ? "Could not load the event" : "Loading…"}</p>
      <p className="mb-1 text-zinc-500">
        at {formatDuration(Math.max(0, Math.round(time - model.start[anchor.span]!)))} into the span ({formatDuration(Math.round(time))} after the trace start)
      </p>
      {event && <KeyValues values={event.attributes} />}
    </div>
  );
}
