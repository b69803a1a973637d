import type { Metadata } from "next";
import { readPreferences } from "@/lib/preferences/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Trace Explorer", template: "%s · Trace Explorer" },
  description: "Distributed traces of the platform, by tenant.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The theme is on the first byte of the page, so a chosen dark or light theme never flashes the other.
  const { theme } = await readPreferences();
  return (
    <html lang="en" data-theme={theme}>
      <body className="min-h-screen text-sm">{children}</body>
    </html>
  );
}
