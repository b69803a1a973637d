import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AuthConfig } from "@auth/core";
import { decode } from "@auth/core/jwt";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { authConfig } from "./config";
import { oidcConfigFrom, type OidcConfig } from "./oidc-config";
import { oidcProvider, oidcSignIn } from "./oidc-provider";
import { sessionLifecycle } from "./sessions";
import { AuthBrowser, TEST_APP as APP } from "./testing/auth-browser";

/**
 * The whole single sign-on flow through Auth.js itself (discovery, PKCE, state, nonce, ID token
 * signature) against a tiny local OpenID provider: the one thing these tests mock.
 */
interface PendingCode {
  claims: Record<string, unknown>;
  nonce: string;
  challenge: string;
}

class MockIssuer {
  url = "";
  private server = http.createServer((req, res) => void this.handle(req, res));
  private codes = new Map<string, PendingCode>();
  private keys!: { privateKey: CryptoKey; jwk: JWK };
  /** The next ID token is minted for another client, as one replayed from another app would be. */
  otherAudienceNext = false;

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    this.keys = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" } };
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** What the provider's login page would do: a code for this user, bound to the request's nonce and PKCE challenge. */
  authorize(authorizationUrl: URL, claims: Record<string, unknown>): string {
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, { claims, nonce: authorizationUrl.searchParams.get("nonce")!, challenge: authorizationUrl.searchParams.get("code_challenge")! });
    return code;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? "/", this.url).pathname;
    if (path === "/.well-known/openid-configuration") {
      return json(200, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/token`,
        jwks_uri: `${this.url}/jwks`,
        // Auth.js insists on one in discovery; for OpenID Connect it reads the ID token's claims instead.
        userinfo_endpoint: `${this.url}/userinfo`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
      });
    }
    if (path === "/jwks") return json(200, { keys: [this.keys.jwk] });
    if (path === "/token" && req.method === "POST") {
      let body = "";
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const pending = this.codes.get(form.get("code") ?? "");
      this.codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      if (!pending || createHash("sha256").update(verifier).digest("base64url") !== pending.challenge) return json(400, { error: "invalid_grant" });
      const idToken = await new SignJWT({ ...pending.claims, nonce: pending.nonce })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(this.url)
        .setAudience(this.otherAudienceNext ? "another-client" : "trace-explorer")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(this.keys.privateKey);
      return json(200, { access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 300, id_token: idToken });
    }
    json(404, { error: "not_found" });
  }
}

const SECRET = randomBytes(32).toString("base64url");
const request = { ip: "203.0.113.9", userAgent: "vitest", requestId: null, traceId: null };

let t: TestDatabase;
let issuer: MockIssuer;
let config: OidcConfig;
let auth: AuthConfig;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO users (email, name, role) VALUES ('sso@demo.test', 'Sso', 'investigator')`;
  issuer = new MockIssuer();
  await issuer.start();
  config = oidcConfigFrom({
    AUTH_OIDC_ISSUER: issuer.url,
    AUTH_OIDC_CLIENT_ID: "trace-explorer",
    AUTH_OIDC_CLIENT_SECRET: "client-secret",
    AUTH_OIDC_ROLE_CLAIM: "groups",
    AUTH_OIDC_ROLE_MAP: "platform-admins=admin,sre=investigator",
  })!;
  auth = {
    ...authConfig,
    secret: SECRET,
    trustHost: true,
    basePath: "/api/auth",
    pages: { ...authConfig.pages, error: "/login" },
    providers: [oidcProvider(config)],
    callbacks: {
      ...authConfig.callbacks,
      jwt: sessionLifecycle({ sql: () => t.sql, request: async () => request }).jwt,
      signIn: oidcSignIn({ sql: () => t.sql, config, request: async () => request }),
    },
    logger: { error: () => {}, warn: () => {}, debug: () => {} },
  };
});
afterAll(async () => {
  await issuer.stop();
  await t.drop();
});

async function signInThroughProvider(claims: Record<string, unknown>): Promise<{ browser: AuthBrowser; landing: string }> {
  const browser = new AuthBrowser(() => auth);
  const start = await browser.post("/api/auth/signin/oidc");
  const authorizationUrl = new URL(start.headers.get("location")!);
  expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${issuer.url}/authorize`);
  expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
  const code = issuer.authorize(authorizationUrl, claims);
  const back = await browser.fetch(`/api/auth/callback/oidc?${new URLSearchParams({ code, state: authorizationUrl.searchParams.get("state")! })}`);
  return { browser, landing: back.headers.get("location") ?? "" };
}

const userId = async (email: string) => ((await t.sql`SELECT id FROM users WHERE email = ${email}`)[0] as { id: string }).id;

describe("single sign-on against a mock OpenID provider", () => {
  it("signs in the account with the verified e-mail; the session carries the database id", async () => {
    const { browser, landing } = await signInThroughProvider({ sub: "idp-42", email: "sso@demo.test", email_verified: true, groups: ["sre"] });
    expect(landing).toBe(`${APP}/traces`);
    const token = await decode({ token: browser.cookie("authjs.session-token"), secret: SECRET, salt: "authjs.session-token" });
    expect(token?.sub).toBe(await userId("sso@demo.test"));
  });

  it("refuses an unknown e-mail: back to the login page with no session, audited", async () => {
    const { browser, landing } = await signInThroughProvider({ sub: "idp-7", email: "nobody@demo.test", email_verified: true });
    expect(landing).toBe(`${APP}/login?error=AccessDenied`);
    expect(browser.cookie("authjs.session-token")).toBeUndefined();
    const rows = await t.sql`SELECT outcome, details->>'reason' AS reason FROM audit_log WHERE actor_email = 'nobody@demo.test'`;
    expect(rows).toEqual([{ outcome: "failure", reason: "unknown_account" }]);
  });

  it("does not grant the admin role a token claims; the database role stays", async () => {
    const { browser, landing } = await signInThroughProvider({ sub: "idp-42", email: "sso@demo.test", email_verified: true, groups: ["platform-admins"] });
    expect(landing).toBe(`${APP}/traces`);
    expect(browser.cookie("authjs.session-token")).toBeDefined();
    expect(await t.sql`SELECT role FROM users WHERE email = 'sso@demo.test'`).toEqual([{ role: "investigator" }]);
    const [refusal] = await t.sql`SELECT outcome, details->>'claimed' AS claimed FROM audit_log WHERE action = 'auth.oidc.role_sync' ORDER BY seq DESC LIMIT 1`;
    expect(refusal).toEqual({ outcome: "denied", claimed: "admin" });
  });

  // Auth.js (oauth4webapi) checks issuer, audience, expiry and nonce of the ID token; its
  // signature it leaves to the TLS of the token endpoint (OIDC Core 3.1.3.7), hence https issuers.
  it("refuses an ID token issued for another client", async () => {
    issuer.otherAudienceNext = true;
    try {
      const { browser, landing } = await signInThroughProvider({ sub: "idp-42", email: "sso@demo.test", email_verified: true });
      expect(landing).toContain("/login?error=");
      expect(browser.cookie("authjs.session-token")).toBeUndefined();
    } finally {
      issuer.otherAudienceNext = false;
    }
  });
});
