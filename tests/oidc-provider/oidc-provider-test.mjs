// `klaviyo-mcp serve` with KLAVIYO_HTTP_AUTH=oidc against a real, certified OpenID provider: panva's oidc-provider,
// on 127.0.0.1, issuing JWT access tokens (RFC 9068) by the client_credentials grant for the resource <public>/mcp
// (resource indicators, RFC 8707), with the scopes klaviyo.read and klaviyo.write and, through extraTokenClaims, an
// email and groups. The built server runs in oidc mode with a policy file whose principals match by subject, email and
// group; its Klaviyo base URL is a stub served here that records what reaches "Klaviyo".
// Checks: the protected-resource metadata; 401 without a token and for a token of another audience, an expired one, a
// tampered one and one of a second provider with the same issuer and kid but other keys; tools/list and get_account with
// the read scope (the stub sees the principal's Klaviyo-API-Key, never the JWT); the principals by subject, email
// (ignoring case) and group (read-only); 403 insufficient_scope (with scope=) for a write without the write scope and
// for a token without the read scope; the write with both scopes; 403 for a person no principal matches; no token in
// the server's log; a key rotation (the first token of the new key accepted, the retired key's refused).
//
// Usage: node oidc-provider-test.mjs [path to Klaviyo.Mcp.dll or a klaviyo-mcp executable]
//        (default: src/Klaviyo.Mcp/bin/Debug/net10.0/Klaviyo.Mcp.dll, after `dotnet build`)
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Provider, { errors } from "oidc-provider";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const server = path.resolve(process.argv[2] || path.join(root, "src", "Klaviyo.Mcp", "bin", "Debug", "net10.0", "Klaviyo.Mcp.dll"));
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log((ok ? "  ok   " : "  FAIL ") + what); };

const freePort = async () => {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address();
  probe.close();
  return port;
};

// ---- The identity provider -----------------------------------------------------------------------------------------
const providerPort = await freePort();
const servePort = await freePort();
const issuer = `http://127.0.0.1:${providerPort}`;
const publicUrl = `http://127.0.0.1:${servePort}`;
const resource = `${publicUrl}/mcp`;
const otherResource = "https://other.example.test/mcp";
const secret = "a-client-secret-for-this-test-only-0123456789";
// owner-app is matched by its subject (client_credentials tokens carry the client id as sub), jane-app by its email
// (written in another case in the policy file), analysts-app by a group, stranger-app by nothing.
const people = {
  "owner-app": {},
  "jane-app": { email: "jane.doe@example.com" },
  "analysts-app": { email: "ann.alyst@example.com", groups: ["staff", "klaviyo-analysts"] },
  "stranger-app": { email: "someone@elsewhere.example", groups: ["staff"] },
};

// Keys made here, so that the second provider can have other keys under the same kid; jane-app's tokens are ES256.
const jwk = (type, options, kid) => ({ ...generateKeyPairSync(type, options).privateKey.export({ format: "jwk" }), kid, use: "sig" });
const keys = (generation = "1") => [jwk("rsa", { modulusLength: 2048 }, `rsa-${generation}`), jwk("ec", { namedCurve: "P-256" }, `ec-${generation}`)];

async function startProvider(port, jwks) {
  const provider = new Provider(issuer, {
    clients: Object.keys(people).map((id) => ({
      client_id: id, client_secret: secret, grant_types: ["client_credentials"], redirect_uris: [], response_types: [],
      token_endpoint_auth_method: "client_secret_basic", scope: "klaviyo.read klaviyo.write",
    })),
    jwks: { keys: jwks },
    scopes: ["klaviyo.read", "klaviyo.write"],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator, client) => {
          if (indicator !== resource && indicator !== otherResource) throw new errors.InvalidTarget();
          return {
            scope: "klaviyo.read klaviyo.write", audience: indicator, accessTokenTTL: 300, accessTokenFormat: "jwt",
            jwt: { sign: { alg: client.clientId === "jane-app" ? "ES256" : "RS256" } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => people[token.clientId],
    ttl: { ClientCredentials: 300 },
  });
  const listener = provider.listen(port, "127.0.0.1");
  await once(listener, "listening");
  return listener;
}

// A token from the provider at `port` by client_credentials; `clock` moves the provider's clock (an expired token).
async function token(client, scope, { port = providerPort, audience = resource, clock = 0 } = {}) {
  const now = Date.now;
  if (clock) Date.now = () => now() + clock;
  try {
    const ask = () => fetch(`http://127.0.0.1:${port}/token`, {
      method: "POST",
      headers: { authorization: "Basic " + Buffer.from(`${client}:${secret}`).toString("base64"), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope, resource: audience }),
    });
    // Once more if a kept-alive connection to a provider that has restarted was closed under the request.
    const response = await ask().catch(ask);
    const body = await response.json();
    if (!body.access_token) throw new Error(`the provider gave ${client} no token: ${JSON.stringify(body)}`);
    return body.access_token;
  } finally {
    Date.now = now;
  }
}
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
const header = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString());

// ---- Klaviyo, as far as get_account and create_event need it -------------------------------------------------------
const seen = [];
const stub = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => { body += chunk; });
  request.on("end", () => {
    seen.push({ method: request.method, path: request.url.split("?")[0], authorization: request.headers.authorization, headers: JSON.stringify(request.headers), body });
    if (request.method === "GET" && request.url.startsWith("/api/accounts")) {
      response.writeHead(200, { "content-type": "application/vnd.api+json" });
      response.end(JSON.stringify({ data: [{ type: "account", id: "AcMe01", attributes: {
        test_account: true, contact_information: { organization_name: "Acme (oidc-provider test)", default_sender_name: "Acme" },
        industry: "Retail", timezone: "UTC", preferred_currency: "USD", public_api_key: "AcMe01", locale: "en-US" } }] }));
    } else if (request.method === "POST" && request.url.startsWith("/api/events")) {
      response.writeHead(202).end();
    } else {
      response.writeHead(404, { "content-type": "application/vnd.api+json" }).end(JSON.stringify({ errors: [{ status: "404", detail: "not in this stub" }] }));
    }
  });
}).listen(0, "127.0.0.1");
await once(stub, "listening");

// ---- The server ----------------------------------------------------------------------------------------------------
if (!existsSync(server)) {
  console.error(`${server} is missing: run dotnet build first, or give the server's path`);
  process.exit(1);
}
const ownerKey = "pk_oidc_provider_test_acme_00000000";
const globexKey = "pk_oidc_provider_test_globex_000000";
const folder = mkdtempSync(path.join(tmpdir(), "oidc-provider-test-"));
const policy = path.join(folder, "policy.json");
writeFileSync(policy, JSON.stringify({
  accounts: { acme: { api_key_env: "ACME_KLAVIYO_KEY" }, globex: { api_key_env: "GLOBEX_KLAVIYO_KEY" } },
  principals: [
    { name: "owner", subject: "owner-app", account: "acme" },
    { name: "jane", email: "Jane.Doe@Example.com", account: "globex" },
    { name: "analysts", group: "klaviyo-analysts", account: "globex", read_only: true },
  ],
}));
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("KLAVIYO_") && name !== "PRIVATE_API_KEY"));
Object.assign(env, {
  KLAVIYO_HTTP_AUTH: "oidc", KLAVIYO_OIDC_ISSUER: issuer, KLAVIYO_HTTP_PUBLIC_URL: publicUrl, KLAVIYO_HTTP_TOKENS_FILE: policy,
  KLAVIYO_BASE_URL: `http://127.0.0.1:${stub.address().port}`, ACME_KLAVIYO_KEY: ownerKey, GLOBEX_KLAVIYO_KEY: globexKey,
  KLAVIYO_MAX_RETRIES: "0",
});
const [command, args] = server.endsWith(".dll") ? ["dotnet", [server]] : [server, []];
const serve = spawn(command, [...args, "serve", "--port", String(servePort)], { env, stdio: ["ignore", "pipe", "pipe"] });
let log = "";
serve.stdout.on("data", (chunk) => { log += chunk; });
serve.stderr.on("data", (chunk) => { log += chunk; });

const listeners = [];
const issued = [];
try {
  listeners.push(await startProvider(providerPort, keys()));
  const secondPort = await freePort();
  listeners.push(await startProvider(secondPort, keys("2")));

  let up = false;
  for (let i = 0; i < 300 && !up && serve.exitCode === null; i++) {
    up = await fetch(`${publicUrl}/healthz`).then((r) => r.ok, () => false);
    if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!up) throw new Error(`serve did not start:\n${log}`);

  const post = async (bearer, message) => {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const response = await fetch(`${publicUrl}/mcp`, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, ...message }) });
    const text = await response.text();
    const data = response.headers.get("content-type")?.startsWith("text/event-stream")
      ? text.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5)).pop()
      : text;
    let json;
    try { json = JSON.parse(data); } catch { json = undefined; }
    return { status: response.status, challenge: response.headers.get("www-authenticate") || "", json };
  };
  const toolsList = { method: "tools/list" };
  const getAccount = { method: "tools/call", params: { name: "get_account", arguments: {} } };
  const createEvent = (id) => ({ method: "tools/call", params: { name: "create_event", arguments: {
    metric: { name: "oidc-provider test" }, profile: { email: "sarah.mason@klaviyo-demo.com" }, unique_id: id } } });
  const text = (reply) => reply.json?.result?.content?.map((c) => c.text ?? "").join(" ") ?? "";
  const keep = (jwt) => { issued.push(jwt); return jwt; };

  // Discovery.
  for (const where of ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]) {
    const metadata = await fetch(publicUrl + where).then((r) => r.json());
    check(metadata.resource === resource && JSON.stringify(metadata.authorization_servers) === JSON.stringify([issuer])
      && metadata.scopes_supported?.includes("klaviyo.read") && metadata.scopes_supported?.includes("klaviyo.write"),
      `${where} names the resource and the provider's issuer ${issuer}`);
  }
  const discovery = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.json());
  check(discovery.issuer === issuer && !!discovery.jwks_uri, "the provider's discovery document names the same issuer and a JWKS");

  // No token.
  const anonymous = await post(null, toolsList);
  check(anonymous.status === 401 && anonymous.challenge.includes(`resource_metadata="${publicUrl}/.well-known/oauth-protected-resource"`)
    && anonymous.challenge.includes('scope="klaviyo.read"'), `no token: 401 with resource_metadata and scope (${anonymous.status} ${anonymous.challenge})`);

  // The owner, by subject, with the read scope.
  const read = keep(await token("owner-app", "klaviyo.read"));
  const readClaims = claims(read);
  check(header(read).typ === "at+jwt" && readClaims.aud === resource && readClaims.iss === issuer && readClaims.sub === "owner-app" && readClaims.scope === "klaviyo.read",
    `the provider issues an RFC 9068 token for ${resource} (typ ${header(read).typ}, aud ${readClaims.aud}, scope "${readClaims.scope}")`);
  const listed = await post(read, toolsList);
  check(listed.status === 200 && listed.json?.result?.tools?.some((t) => t.name === "create_event"), `read token: tools/list 200 (${listed.status})`);
  seen.length = 0;
  const account = await post(read, getAccount);
  check(account.status === 200 && account.json?.result && !account.json.result.isError && text(account).includes("AcMe01"),
    `read token: get_account reaches Klaviyo and answers (${account.status} ${text(account).slice(0, 120)})`);
  check(seen.length === 1 && seen[0].authorization === `Klaviyo-API-Key ${ownerKey}`,
    `the stub saw the principal "owner"'s Klaviyo-API-Key (${seen.map((s) => `${s.method} ${s.path}`).join(", ")})`);
  check(!seen.some((s) => s.headers.includes("eyJ") || s.body.includes("eyJ")), "the bearer JWT never reaches Klaviyo");

  // Step-up: a write without the write scope is refused before anything is sent.
  seen.length = 0;
  const refused = await post(read, createEvent("oidc-provider-1"));
  check(refused.status === 403 && refused.challenge.includes('error="insufficient_scope"') && refused.challenge.includes('scope="klaviyo.read klaviyo.write"'),
    `read token: create_event is 403 insufficient_scope with scope= (${refused.status} ${refused.challenge})`);
  check(seen.length === 0, "nothing reached Klaviyo for the refused write");
  const write = keep(await token("owner-app", "klaviyo.read klaviyo.write"));
  const written = await post(write, createEvent("oidc-provider-2"));
  check(written.status === 200 && written.json?.result && !written.json.result.isError && seen.some((s) => s.method === "POST" && s.path === "/api/events" && s.authorization === `Klaviyo-API-Key ${ownerKey}`),
    `read and write token: create_event goes to Klaviyo with the owner's key (${written.status} ${text(written).slice(0, 120)})`);
  const writeOnly = await post(keep(await token("owner-app", "klaviyo.write")), toolsList);
  check(writeOnly.status === 403 && writeOnly.challenge.includes('error="insufficient_scope"') && writeOnly.challenge.includes('scope="klaviyo.read"'),
    `a token without the read scope: 403 insufficient_scope (${writeOnly.status} ${writeOnly.challenge})`);

  // Jane, by email (another case in the policy file), with an ES256 token.
  seen.length = 0;
  const jane = keep(await token("jane-app", "klaviyo.read"));
  const janeAccount = await post(jane, getAccount);
  check(header(jane).alg === "ES256" && janeAccount.status === 200 && !janeAccount.json?.result?.isError && seen[0]?.authorization === `Klaviyo-API-Key ${globexKey}`,
    `email principal (ES256 token): get_account with jane's account key (${janeAccount.status})`);

  // The analysts, by group, read-only: a write with both scopes is refused by the access policy, not by scope.
  seen.length = 0;
  const analyst = keep(await token("analysts-app", "klaviyo.read klaviyo.write"));
  const analystList = await post(analyst, toolsList);
  check(analystList.status === 200 && analystList.json?.result?.tools?.some((t) => t.name === "get_account")
    && !analystList.json.result.tools.some((t) => t.name === "create_event"), "group principal (read-only): tools/list without the write tools");
  const analystWrite = await post(analyst, createEvent("oidc-provider-3"));
  check(analystWrite.status === 200 && (analystWrite.json?.result?.isError === true || !!analystWrite.json?.error) && seen.length === 0,
    `group principal (read-only): create_event refused by the access policy, nothing sent (${JSON.stringify(analystWrite.json).slice(0, 160)})`);

  // Nobody the policy file knows.
  const stranger = await post(keep(await token("stranger-app", "klaviyo.read")), toolsList);
  check(stranger.status === 403 && stranger.json?.error === "access_denied", `no principal matches: 403 access_denied (${stranger.status})`);

  // Key rotation: the provider restarts with new keys under new kids; the server fetches its JWKS again.
  const retiring = listeners.shift();
  retiring.close();
  retiring.closeAllConnections();
  await once(retiring, "close");
  listeners.unshift(await startProvider(providerPort, keys("2")));
  const rotated = keep(await token("owner-app", "klaviyo.read"));
  const afterRotation = await post(rotated, toolsList);
  check(header(rotated).kid === "rsa-2" && afterRotation.status === 200, `after the provider rotates its keys (kid ${header(rotated).kid}): tools/list 200 (${afterRotation.status})`);
  const retired = await post(read, toolsList);
  check(retired.status === 401, `a token signed with the retired key: 401 (${retired.status})`);
  const rotatedClaims = claims(rotated);

  // Tokens that must not work (after the rotation: a bad signature makes the server fetch the JWKS too, at most every 10 s).
  const bad = {
    "another audience": keep(await token("owner-app", "klaviyo.read", { audience: otherResource })),
    "expired (issued 10 minutes ago, 5 minutes' lifetime)": keep(await token("owner-app", "klaviyo.read", { clock: -600_000 })),
    "a tampered signature": (() => {
      const [h, p, s] = rotated.split(".");
      const i = Math.floor(s.length / 2);
      return `${h}.${p}.${s.slice(0, i)}${s[i] === "A" ? "B" : "A"}${s.slice(i + 1)}`;
    })(),
    "a tampered payload": (() => {
      const [h, , s] = rotated.split(".");
      return `${h}.${Buffer.from(JSON.stringify({ ...rotatedClaims, sub: "someone-else" })).toString("base64url")}.${s}`;
    })(),
    "a second provider (same issuer and kid, other keys)": keep(await token("owner-app", "klaviyo.read", { port: secondPort })),
  };
  // The reason the server logs (the exception's type, never the token) shows each is refused for what differs.
  const reasons = {
    "another audience": "InvalidAudience", "expired (issued 10 minutes ago, 5 minutes' lifetime)": "Expired",
    "a tampered signature": "InvalidSignature", "a tampered payload": "InvalidSignature",
    "a second provider (same issuer and kid, other keys)": "InvalidSignature",
  };
  for (const [what, jwt] of Object.entries(bad)) {
    const before = log.length;
    const reply = await post(jwt, toolsList);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = log.slice(before).match(/valid access token of the issuer \((\w+)\)/)?.[1] ?? "none logged";
    check(reply.status === 401 && reply.challenge.includes('error="invalid_token"') && reason.includes(reasons[what]),
      `${what}: 401 invalid_token (${reply.status}, ${reason})`);
  }
  check(claims(bad["a second provider (same issuer and kid, other keys)"]).iss === issuer, "the second provider's token names the same issuer");

  // Secrets.
  check(!issued.some((jwt) => log.includes(jwt) || log.includes(jwt.split(".")[2])) && !log.includes(ownerKey) && !log.includes(globexKey),
    "the server's log holds no token and no key");
} catch (error) {
  check(false, `the run: ${error.stack || error}${error.cause ? ` (${error.cause})` : ""}`);
} finally {
  serve.kill();
  stub.close();
  for (const listener of listeners) listener.close();
  rmSync(folder, { recursive: true, force: true });
}
if (failures.length) console.log(`server log:\n${log}`);
console.log(failures.length === 0 ? "oidc-provider test: all checks passed" : `oidc-provider test: ${failures.length} check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
