"use client";

import Link, { useLinkStatus } from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
}

export function Nav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex items-center gap-1">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            // A prefetch renders the page on the server, and every render of a trace page is an audited read.
            prefetch={false}
            aria-current={active ? "page" : undefined}
            className={`rounded px-2.5 py-1 ${
              active
                ? "bg-zinc-200 font-medium dark:bg-zinc-800"
                : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-900"
            }`}
          >
            {item.label}
            <NavPending />
          </Link>
        );
      })}
    </nav>
  );
}

/** On a link just clicked: the section is loading (links are not prefetched, so the server renders it first). */
function NavPending() {
  const { pending } = useLinkStatus();
  if (!pending) return null;
  return (
    <span role="status" className="ml-1.5 inline-block h-2 w-2 animate-pulse rounded-full bg-sky-600 align-middle" data-testid="nav-pending">
      <span className="sr-only">Loading…</span>
    </span>
  );
}
