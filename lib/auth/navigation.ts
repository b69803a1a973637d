import type { UserRole } from "@/db/schema";
import { roleAllows, type Action } from "./roles";

const ITEMS: { href: string; label: string; action: Action }[] = [
  { href: "/traces", label: "Traces", action: "traces:read" },
  { href: "/latency", label: "Latency", action: "traces:read" },
  { href: "/services", label: "Services", action: "traces:read" },
  { href: "/logs", label: "Logs", action: "traces:read" },
  { href: "/investigate", label: "Investigate", action: "traces:read" },
  { href: "/audit", label: "Audit", action: "audit:read" },
  { href: "/admin", label: "Admin", action: "admin" },
];

/** The sections a role may open; the pages check again, this only hides dead ends. */
export function navItemsFor(role: UserRole | null) {
  return ITEMS.filter((item) => roleAllows(role, item.action)).map(({ href, label }) => ({ href, label }));
}

/** The permission the section at this path needs; null outside the sections. */
export function actionOfPath(pathname: string): Action | null {
  return ITEMS.find((item) => pathname === item.href || pathname.startsWith(`${item.href}/`))?.action ?? null;
}
