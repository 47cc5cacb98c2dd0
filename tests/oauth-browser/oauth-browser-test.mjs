// "Sign in with Klaviyo" (KLAVIYO_HTTP_AUTH=klaviyo) end to end in a real browser. A stand-in Klaviyo on 127.0.0.1
// (an authorize page with Allow and Deny, token, revoke, /api/accounts) checks what the server sends it; the built server runs `serve` with its
// OAuth URLs and KLAVIYO_BASE_URL pointing there; this script is the MCP client: discovery, dynamic client registration
// (a hostile client name), PKCE, and a loopback redirect listener of its own. Debian's Chromium opens the authorize URL,
// so the consent page, its cookies (SameSite=Lax, sent back on the cross-port callback), the form submitted by a click,
// the chain of 302s and the page's CSP are the browser's, not a test double's.
// Checks: the consent page shows the client's name as text, its client id, redirect URI and accounts:read; Approve
// ends on the client's redirect URI with code, the client's state and iss; the code is exchanged (PKCE, resource) for
// the server's tokens, which answer tools/call get_account while the stand-in sees its own Klaviyo access token;
// revocation reaches the stand-in; Deny gives access_denied and the client's state without reaching Klaviyo; a denial
// at Klaviyo gives access_denied too; no console error on the consent page; the server's log holds no token, code,
// verifier or the app's secret.
//
// Usage: node oauth-browser-test.mjs [path to Klaviyo.Mcp.dll or a klaviyo-mcp executable]
//        (default: src/Klaviyo.Mcp/bin/Debug/net10.0/Klaviyo.Mcp.dll, after `dotnet build`; CHROMIUM=/path overrides
//        /usr/bin/chromium)
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const server = path.resolve(process.argv[2] || path.join(root, "src", "Klaviyo.Mcp", "bin", "Debug", "net10.0", "Klaviyo.Mcp.dll"));
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log((ok ? "  ok   " : "  FAIL ") + what); };
const random = (prefix) => prefix + randomBytes(18).toString("base64url");
const s256 = (verifier) => createHash("sha256").update(verifier).digest("base64url");

const listen = async (handler) => {
  const listener = createServer(handler).listen(0, "127.0.0.1");
  await once(listener, "listening");
  return listener;
};
const freePort = async () => {
  const probe = await listen(() => {});
  const { port } = probe.address();
  probe.close();
  return port;
};
const readBody = async (request) => {
  let body = "";
  for await (const chunk of request) body += chunk;
  return body;
};

const servePort = await freePort();
const publicUrl = `http://127.0.0.1:${servePort}`;
const resource = `${publicUrl}/mcp`;
const appId = "klaviyo-app-oauth-browser-test";
const appSecret = random("app-secret-");
const secrets = [appSecret]; // everything that must never appear in the server's log

// ---- The stand-in Klaviyo: its OAuth endpoints and /api/accounts ---------------------------------------------------
const klaviyo = {
  authorizations: [],   // every GET /oauth/authorize, with what was wrong with it
  exchanges: [],        // every POST /oauth/token, with what was wrong with it
  accounts: [],         // the Authorization header of every GET /api/accounts
  revocations: [],      // the token of every POST /oauth/revoke, and whether the app authenticated
  codes: new Map(),     // code -> its challenge
  accessTokens: new Set(),
};
const basic = "Basic " + Buffer.from(`${encodeURIComponent(appId)}:${encodeURIComponent(appSecret)}`).toString("base64");
const basicPlain = "Basic " + Buffer.from(`${appId}:${appSecret}`).toString("base64");
const klaviyoStub = await listen(async (request, response) => {
  const url = new URL(request.url, "http://stand-in");
  const body = await readBody(request);
  if (request.method === "GET" && url.pathname === "/oauth/authorize") {
    const q = url.searchParams;
    const problems = [];
    if (q.get("response_type") !== "code") problems.push("response_type");
    if (q.get("client_id") !== appId) problems.push("client_id");
    if (q.get("redirect_uri") !== `${publicUrl}/oauth/callback`) problems.push("redirect_uri " + q.get("redirect_uri"));
    if (q.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(q.get("code_challenge") ?? "")) problems.push("PKCE");
    if (!(q.get("scope") ?? "").split(" ").includes("accounts:read")) problems.push("scope " + q.get("scope"));
    if (!q.get("state")) problems.push("state");
    klaviyo.authorizations.push({ query: Object.fromEntries(q), problems });
    // Klaviyo's own page, where the person allows or declines: a link each, back to the server's callback. Followed
    // by a click, the callback is a navigation this other site starts, as at Klaviyo.
    const back = (fields) => {
      const url = new URL(q.get("redirect_uri") || `${publicUrl}/oauth/callback`);
      for (const [key, value] of Object.entries(fields)) url.searchParams.set(key, value);
      if (q.get("state")) url.searchParams.set("state", q.get("state"));
      return url.href.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
    };
    const code = random("klaviyo-code-");
    secrets.push(code);
    if (!problems.length) klaviyo.codes.set(code, q.get("code_challenge"));
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!DOCTYPE html><html lang=\"en\"><title>Klaviyo (stand-in)</title>"
      + `<p>Allow the app to access your Klaviyo account?</p><a href="${back({ code })}">Allow</a> <a href="${back({ error: "access_denied" })}">Deny</a></html>`);
  } else if (request.method === "POST" && url.pathname === "/oauth/token") {
    const form = new URLSearchParams(body);
    const problems = [];
    if (request.headers.authorization !== basic && request.headers.authorization !== basicPlain) problems.push("HTTP Basic");
    if (form.get("grant_type") !== "authorization_code") problems.push("grant_type " + form.get("grant_type"));
    const challenge = klaviyo.codes.get(form.get("code"));
    if (!challenge) problems.push("code");
    else if (s256(form.get("code_verifier") ?? "") !== challenge) problems.push("code_verifier");
    if (form.get("redirect_uri") && form.get("redirect_uri") !== `${publicUrl}/oauth/callback`) problems.push("redirect_uri");
    klaviyo.codes.delete(form.get("code"));
    klaviyo.exchanges.push({ problems });
    if (problems.length) {
      response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant" }));
      return;
    }
    const access = random("klaviyo-access-");
    const refresh = random("klaviyo-refresh-");
    secrets.push(access, refresh);
    klaviyo.accessTokens.add(access);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
      access_token: access, refresh_token: refresh, token_type: "Bearer", expires_in: 3600, scope: "accounts:read events:read",
    }));
  } else if (request.method === "POST" && url.pathname === "/oauth/revoke") {
    klaviyo.revocations.push({ token: new URLSearchParams(body).get("token"), app: [basic, basicPlain].includes(request.headers.authorization) });
    response.writeHead(200).end();
  } else if (request.method === "GET" && url.pathname === "/api/accounts") {
    const authorization = request.headers.authorization ?? "";
    klaviyo.accounts.push(authorization);
    if (!klaviyo.accessTokens.has(authorization.replace(/^Bearer /, ""))) {
      response.writeHead(401, { "content-type": "application/vnd.api+json" })
        .end(JSON.stringify({ errors: [{ status: 401, code: "not_authenticated", detail: "not a token of this stand-in" }] }));
      return;
    }
    response.writeHead(200, { "content-type": "application/vnd.api+json" });
    response.end(JSON.stringify({ data: [{ type: "account", id: "BrOwSeR1", attributes: {
      test_account: true, contact_information: { organization_name: "Browser sign-in test", default_sender_name: "Test" },
      industry: "Retail", timezone: "UTC", preferred_currency: "USD", public_api_key: "BrOwSeR1", locale: "en-US" } }],
      links: { self: `http://127.0.0.1:${klaviyoStub.address().port}/api/accounts/` } }));
  } else {
    response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ status: "404", detail: "not in this stand-in" }] }));
  }
});
const klaviyoUrl = `http://127.0.0.1:${klaviyoStub.address().port}`;
// The browser meets Klaviyo's authorize on another site than the server's (localhost, not 127.0.0.1), as it would meet
// www.klaviyo.com: the callback is then a cross-site redirect, which SameSite=Lax cookies survive and Strict ones do not.
const klaviyoBrowserUrl = `http://localhost:${klaviyoStub.address().port}`;

// ---- The MCP client's loopback redirect listener ------------------------------------------------------------------
const redirects = [];
const redirectListener = await listen((request, response) => {
  const url = new URL(request.url, "http://client");
  if (url.pathname === "/callback") redirects.push(Object.fromEntries(url.searchParams));
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!DOCTYPE html><title>Signed in</title><p>You may close this window.</p>");
});
const redirectUri = `http://127.0.0.1:${redirectListener.address().port}/callback`;

// ---- The server ----------------------------------------------------------------------------------------------------
if (!existsSync(server)) {
  console.error(`${server} is missing: run dotnet build first, or give the server's path`);
  process.exit(1);
}
const folder = mkdtempSync(path.join(tmpdir(), "oauth-browser-test-"));
const logFile = path.join(folder, "serve.log");
const logFd = openSync(logFile, "w");
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("KLAVIYO_") && name !== "PRIVATE_API_KEY"));
Object.assign(env, {
  KLAVIYO_HTTP_AUTH: "klaviyo", KLAVIYO_HTTP_PUBLIC_URL: publicUrl,
  KLAVIYO_OAUTH_CLIENT_ID: appId, KLAVIYO_OAUTH_CLIENT_SECRET: appSecret,
  KLAVIYO_OAUTH_AUTHORIZE_URL: `${klaviyoBrowserUrl}/oauth/authorize`, KLAVIYO_OAUTH_TOKEN_URL: `${klaviyoUrl}/oauth/token`,
  KLAVIYO_OAUTH_REVOKE_URL: `${klaviyoUrl}/oauth/revoke`, KLAVIYO_BASE_URL: klaviyoUrl,
  KLAVIYO_MAX_RETRIES: "0", KLAVIYO_LOG_LEVEL: "Debug",
});
const [command, args] = server.endsWith(".dll") ? ["dotnet", [server]] : [server, []];
const serve = spawn(command, [...args, "serve", "--port", String(servePort)], { env, stdio: ["ignore", logFd, logFd] });
const log = () => readFileSync(logFile, "utf8");

const post = async (bearer, message) => {
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(resource, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, ...message }) });
  const text = await response.text();
  const data = response.headers.get("content-type")?.startsWith("text/event-stream")
    ? text.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5)).pop()
    : text;
  let json;
  try { json = JSON.parse(data); } catch { json = undefined; }
  return { status: response.status, challenge: response.headers.get("www-authenticate") || "", json };
};
const form = (url, fields) => fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });

const clientName = "<b>Evil & Co</b> MCP client";
const profile = mkdtempSync(path.join(tmpdir(), "oauth-browser-chromium-"));
let browser;
try {
  let up = false;
  for (let i = 0; i < 300 && !up && serve.exitCode === null; i++) {
    up = await fetch(`${publicUrl}/healthz`).then((r) => r.ok, () => false);
    if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!up) throw new Error(`serve did not start:\n${log()}`);

  // Discovery, as an MCP client does it: the 401's resource_metadata, the protected resource, the authorization server.
  const unauthorized = await post(undefined, { method: "tools/list" });
  const resourceMetadata = unauthorized.challenge.match(/resource_metadata="([^"]+)"/)?.[1] ?? "";
  check(unauthorized.status === 401 && resourceMetadata.startsWith(`${publicUrl}/.well-known/oauth-protected-resource`),
    `/mcp without a token: 401 naming the resource metadata (${unauthorized.status} ${unauthorized.challenge})`);
  const protectedResource = await fetch(resourceMetadata || `${publicUrl}/.well-known/oauth-protected-resource/mcp`).then((r) => r.json());
  check(protectedResource.resource === resource && protectedResource.authorization_servers?.[0] === publicUrl,
    `protected-resource metadata: resource ${protectedResource.resource}, authorization server ${protectedResource.authorization_servers}`);
  const metadata = await fetch(`${publicUrl}/.well-known/oauth-authorization-server`).then((r) => r.json());
  check(metadata.issuer === publicUrl && metadata.code_challenge_methods_supported?.includes("S256") && !!metadata.registration_endpoint,
    `authorization-server metadata: issuer ${metadata.issuer}, S256, registration at ${metadata.registration_endpoint}`);

  // Dynamic client registration with a hostile name and the loopback redirect URI.
  const registered = await fetch(metadata.registration_endpoint, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: clientName, redirect_uris: [redirectUri], token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] }),
  });
  const client = await registered.json();
  check(registered.status === 201 && typeof client.client_id === "string" && client.client_name === clientName,
    `dynamic client registration: 201, client id ${client.client_id}`);

  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`],
  });

  // One sign-in in the browser: the consent page, a click on `button`, then at Klaviyo a click on `atKlaviyo` (when
  // given), and where the browser ends.
  const signIn = async (name, button, atKlaviyo) => {
    const verifier = randomBytes(48).toString("base64url"); // 64 characters (RFC 7636: 43 to 128)
    const state = random("client-state-");
    secrets.push(verifier);
    const authorize = new URL(metadata.authorization_endpoint);
    for (const [key, value] of Object.entries({ response_type: "code", client_id: client.client_id, redirect_uri: redirectUri,
      code_challenge: s256(verifier), code_challenge_method: "S256", state, resource })) authorize.searchParams.set(key, value);

    const page = await browser.newPage();
    const consoleErrors = [];
    page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
    page.on("pageerror", (error) => consoleErrors.push(String(error)));
    const consent = await page.goto(authorize.href, { waitUntil: "load" });
    check(consent.status() === 200 && page.url().startsWith(`${publicUrl}/oauth/authorize`), `${name}: the consent page opens (${consent.status()})`);
    const shown = await page.evaluate(() => ({
      heading: document.querySelector("h1")?.textContent ?? "",
      text: document.body.innerText,
      bold: document.querySelectorAll("b").length,
      forms: [...document.forms].map((f) => f.method + " " + f.action),
      title: document.title,
    }));
    check(shown.heading.includes(clientName) && shown.bold === 0,
      `${name}: the client's name is shown as text, the literal <b> visible and no <b> element ("${shown.heading}")`);
    check(shown.text.includes(client.client_id) && shown.text.includes(redirectUri) && shown.text.includes("accounts:read"),
      `${name}: the page shows the client id, the redirect URI and accounts:read`);
    check(shown.forms.length === 2 && shown.forms.every((f) => f === `post ${publicUrl}/oauth/consent`), `${name}: two forms posting to /oauth/consent (${shown.forms})`);
    const cookies = await browser.cookies();
    const consentCookie = cookies.find((c) => c.name.startsWith("klaviyo-mcp-consent-"));
    check(!!consentCookie && consentCookie.httpOnly && consentCookie.sameSite === "Lax" && consentCookie.path === "/",
      `${name}: the consent cookie is kept (HttpOnly, SameSite=Lax, path /)`);

    const authorizationsBefore = klaviyo.authorizations.length;
    const redirectsBefore = redirects.length;
    const click = (tag, text) => Promise.all([page.waitForNavigation({ waitUntil: "load", timeout: 15000 }), page.click(`xpath/.//${tag}[normalize-space()="${text}"]`)]);
    await click("button", button);
    check(consoleErrors.length === 0, `${name}: no console error on the consent page${consoleErrors.length ? ": " + consoleErrors.join("; ") : ""}`);
    if (atKlaviyo) {
      check(page.url().startsWith(`${klaviyoBrowserUrl}/oauth/authorize?`), `${name}: clicking ${button} goes on to Klaviyo's authorize page (${page.url().split("?")[0]})`);
      await click("a", atKlaviyo);
    }
    const landed = page.url();
    check(landed.startsWith(redirectUri + "?"), `${name}: ${atKlaviyo ? atKlaviyo + " at Klaviyo" : "clicking " + button} lands on the client's redirect URI (${landed.split("?")[0]})`);
    const leftover = (await browser.cookies()).filter((c) => c.name.startsWith("klaviyo-mcp-"));
    check(leftover.length === 0, `${name}: no sign-in cookie left behind (${leftover.map((c) => c.name).join(", ") || "none"})`);
    await page.close();
    const query = redirects.length === redirectsBefore + 1 ? redirects[redirectsBefore] : {};
    return { query, state, verifier, reachedKlaviyo: klaviyo.authorizations.slice(authorizationsBefore) };
  };

  // 1. Approve: Klaviyo (the stand-in) signs the person in, the client gets a code of the server's own.
  const approved = await signIn("approve", "Approve", "Allow");
  const authorizeSeen = approved.reachedKlaviyo[0];
  check(approved.reachedKlaviyo.length === 1 && authorizeSeen.problems.length === 0,
    `approve: the browser went to Klaviyo's authorize (another site) with the app's client id, the callback, S256 and accounts:read (${authorizeSeen?.problems.join(", ") || "as expected"})`);
  check(klaviyo.exchanges.length === 1 && klaviyo.exchanges[0].problems.length === 0,
    `approve: the callback got the code (the state cookie sent back on a cross-site redirect) and exchanged it with HTTP Basic and the verifier (${klaviyo.exchanges[0]?.problems.join(", ") || "as expected"})`);
  check(typeof approved.query.code === "string" && approved.query.state === approved.state && approved.query.iss === publicUrl && !approved.query.error,
    `approve: the client's redirect URI got code, its own state and iss (${Object.keys(approved.query).join(", ")})`);
  secrets.push(approved.query.code);

  const exchanged = await form(metadata.token_endpoint, { grant_type: "authorization_code", code: approved.query.code, client_id: client.client_id,
    redirect_uri: redirectUri, code_verifier: approved.verifier, resource });
  const tokens = await exchanged.json();
  check(exchanged.status === 200 && typeof tokens.access_token === "string" && typeof tokens.refresh_token === "string"
    && ![...klaviyo.accessTokens].includes(tokens.access_token),
    `the code is exchanged for the server's own access and refresh tokens (${exchanged.status}${tokens.error ? " " + tokens.error + ": " + tokens.error_description : ""})`);
  if (tokens.access_token) secrets.push(tokens.access_token, tokens.refresh_token);

  const accountsBefore = klaviyo.accounts.length;
  const call = await post(tokens.access_token, { method: "tools/call", params: { name: "get_account", arguments: {} } });
  const seenByKlaviyo = klaviyo.accounts.slice(accountsBefore);
  const resultText = call.json?.result?.content?.map((c) => c.text ?? "").join(" ") ?? "";
  check(call.status === 200 && !call.json?.result?.isError && resultText.includes("BrOwSeR1"),
    `tools/call get_account with the server's access token: 200 and the stand-in's account (${call.status})`);
  check(seenByKlaviyo.length >= 1 && seenByKlaviyo.every((h) => klaviyo.accessTokens.has(h.replace(/^Bearer /, ""))),
    `the stand-in Klaviyo saw its own access token as the bearer (${seenByKlaviyo.length} request(s))`);

  const revoked = await form(metadata.revocation_endpoint, { token: tokens.refresh_token ?? "", client_id: client.client_id });
  check(revoked.status === 200 && klaviyo.revocations.length === 1 && klaviyo.revocations[0].app && secrets.includes(klaviyo.revocations[0].token),
    `revocation: 200, and the grant revoked at Klaviyo with the app's credentials (${revoked.status}, ${klaviyo.revocations.length})`);
  const afterRevoke = await post(tokens.access_token, { method: "tools/list" });
  check(afterRevoke.status === 401, `the revoked sign-in's access token gets 401 (${afterRevoke.status})`);

  // 2. Deny on the consent page: the client hears access_denied with its state; Klaviyo is never asked.
  const denied = await signIn("deny", "Deny");
  check(denied.query.error === "access_denied" && denied.query.state === denied.state && !denied.query.code,
    `deny: the client's redirect URI got error=access_denied and its own state (${JSON.stringify({ error: denied.query.error, state: denied.query.state === denied.state })})`);
  check(denied.reachedKlaviyo.length === 0, `deny: nothing went to Klaviyo's authorize (${denied.reachedKlaviyo.length})`);

  // 3. Approved here, declined at Klaviyo (its Deny link: error=access_denied): access_denied comes back to the client with its state.
  const declined = await signIn("declined at Klaviyo", "Approve", "Deny");
  check(declined.reachedKlaviyo.length === 1 && declined.query.error === "access_denied" && declined.query.state === declined.state && !declined.query.code,
    `declined at Klaviyo: the client's redirect URI got error=access_denied and its own state (${declined.query.error})`);
  check(klaviyo.exchanges.length === 1, `declined at Klaviyo: no code was exchanged (${klaviyo.exchanges.length} exchange(s) in all)`);

  // The log: nothing secret in it, though it logged at Debug.
  const text = log();
  const leaked = secrets.filter((secret) => secret && text.includes(secret));
  check(text.length > 0 && leaked.length === 0,
    `serve's log (${text.split("\n").length} lines at Debug) holds none of the ${secrets.length} tokens, codes, verifiers or the app's secret${leaked.length ? ": leaked " + leaked.map((s) => s.split("-").slice(0, 2).join("-")).join(", ") : ""}`);
} catch (error) {
  check(false, `the test ran to its end: ${error.stack ?? error}`);
} finally {
  await browser?.close();
  if (serve.exitCode === null && serve.signalCode === null) {
    serve.kill();
    await once(serve, "exit");
  }
  closeSync(logFd);
  klaviyoStub.close();
  redirectListener.close();
  if (failures.length) console.log(`server log:\n${log()}`);
  rmSync(profile, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
}
console.log(failures.length === 0 ? "oauth browser test: all checks passed" : `oauth browser test: ${failures.length} check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
