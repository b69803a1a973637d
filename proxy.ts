import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/lib/auth/config";
import { isWellFormedPath } from "@/lib/http/path-segment";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";
import { isValidRequestId, newRequestId } from "@/lib/tracing/ids";

const { auth } = NextAuth(authConfig);

/**
 * For every page: a request id (kept when the upstream sent a valid one) that the page's
 * audit rows and logs carry, a nonce-based CSP, and a convenience redirect of signed-out
 * visitors to the login page. Every page and route handler checks the session and role
 * itself: no access decision depends on this running.
 */
const pageProxy = auth((request) => {
  const upstream = request.headers.get("x-request-id");
  const requestId = isValidRequestId(upstream) ? upstream : newRequestId();
  const csp = contentSecurityPolicy(newNonce());

  let response: NextResponse;
  if (!request.auth?.user && request.nextUrl.pathname !== "/login") {
    const login = new URL("/login", request.nextUrl);
    login.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
    response = NextResponse.redirect(login);
  } else {
    const forwarded = new Headers(request.headers);
    forwarded.set("x-request-id", requestId);
    forwarded.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  response.headers.set("x-request-id", requestId);
  response.headers.set("content-security-policy", csp);
  return response;
});

/**
 * Next answers a path whose percent-encoding does not decode (`/traces/%E0%A4%A`,
 * `/api/traces/%zz`) with a bare 500 before any page or route handler runs: refused here
 * with a 400 instead. API routes pass through otherwise; they check the session themselves.
 */
export function proxy(request: NextRequest, event: NextFetchEvent) {
  const { pathname } = request.nextUrl;
  if (!isWellFormedPath(pathname)) {
    return NextResponse.json({ error: "malformed percent-encoding in the path" }, { status: 400, headers: { "cache-control": "no-store" } });
  }
  if (pathname === "/api" || pathname.startsWith("/api/")) return NextResponse.next();
  return pageProxy(request, event as never);
}

export const config = {
  matcher: ["/((?!v1|_next/static|_next/image|favicon.ico).*)"],
};
