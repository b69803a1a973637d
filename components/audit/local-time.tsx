"use client";

import { useSyncExternalStore } from "react";

const never = () => () => {};

/** The instant in the viewer's own time zone; empty on the server, which does not know it. */
export function LocalTime({ iso }: { iso: string }) {
  const text = useSyncExternalStore(
    never,
    () => new Date(iso).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" }),
    () => "",
  );
  return <span className="text-zinc-500">{text}</span>;
}
