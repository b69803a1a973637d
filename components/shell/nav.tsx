"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useNavigation } from "@/components/shell/navigation-progress";

export interface NavItem {
  href: string;
  label: string;
}

export function Nav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const navigation = useNavigation();
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
            onClick={(e) => {
              // A plain click opens the section as a transition, showing its loading state at once.
              if (!navigation || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
              e.preventDefault();
              navigation.open(item.href, item.label);
            }}
            aria-current={active ? "page" : undefined}
            className={`rounded px-2.5 py-1 ${
              active
                ? "bg-zinc-200 font-medium dark:bg-zinc-800"
                : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-900"
            }`}
          >
            {item.label}
            {navigation?.opening === item.label && (
              <span role="status" className="ml-1.5 inline-block h-2 w-2 animate-pulse rounded-full bg-sky-600 align-middle" data-testid="nav-pending">
                <span className="sr-only">Loading…</span>
              </span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}
