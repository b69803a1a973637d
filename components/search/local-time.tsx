"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

function local(d: Date): string {
  return d.toLocaleString(undefined, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    fractionalSecondDigits: 3, hour12: false,
  });
}

/**
 * A timestamp in the viewer's time zone, with the exact UTC instant on hover. The server does
 * not know the zone, so it renders UTC and the browser switches to local time after hydration.
 */
export function LocalTime({ iso }: { iso: string }) {
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  const utc = `${iso.replace("T", " ").replace("Z", "")} UTC`;
  return (
    <time dateTime={iso} title={utc}>
      {inBrowser ? local(new Date(iso)) : utc}
    </time>
  );
}
