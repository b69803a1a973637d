import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/lib/auth/config";
import { PAGE_URL_HEADER } from "@/lib/http/page-url";
import { isWellFormedPath } from "@/lib/http/path-segment";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";
import { CLIENT_REQUEST_ID_HEADER } from "@/lib/audit/request-meta";
import { isValidRequestId, newRequestId } from "@trace-explorer/tracing";

const { auth } = NextAuth(authConfig);

/**
 * For every page: the server's own request id, which the page's audit rows and logs carry (a
 * valid one the client sent goes on as `x-client-request-id`, recorded beside it, never in its
 * place), a nonce-based CSP, and a convenience redirect of signed-out visitors to the login page. Every page and route handler checks the session and role
 * itself: no access decision depends on this running.
 */
const pageProxy = auth((request) => {
  const sent = request.headers.get("x-request-id");
  const requestId = newRequestId();
  const csp = contentSecurityPolicy(newNonce());

  let response: NextResponse;
  if (!request.auth?.user && request.nextUrl.pathname !== "/login") {
    const login = new URL("/login", request.nextUrl);
    login.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
    response = NextResponse.redirect(login);
  } else {
    const forwarded = new Headers(request.headers);
    forwarded.set("x-request-id", requestId);
    forwarded.delete(CLIENT_REQUEST_ID_HEADER);
    if (isValidRequestId(sent)) forwarded.set(CLIENT_REQUEST_ID_HEADER, sent);
    forwarded.set("content-security-policy", csp);
    forwarded.set(PAGE_URL_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
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
