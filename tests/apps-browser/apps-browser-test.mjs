// The MCP Apps views in a real browser. The built server (stdio) is asked for its views as a host asks: initialize
// declaring io.modelcontextprotocol/ui, resources/list, resources/read. Each view is rendered by Debian's Chromium in a
// sandboxed iframe (another origin, as hosts do) inside a minimal host page that speaks the protocol of the MCP Apps
// spec 2026-01-26: it answers ui/initialize with a host context (theme, style variables, 600x400 container), sends
// tool-input and tool-result once the view says initialized, switches the theme, and answers the view's tools/call with
// a canned result. Every message the view posts is checked against the ext-apps 2.0.4 schemas that AppBridge uses.
// Checks: named bars and points, marked untrusted values, hostile names shown as text, theme, no horizontal scroll,
// sorting, the timeframe call, no console error; a screenshot of each view goes to docs/apps-<view>.png.
//
// Usage: node apps-browser-test.mjs   (after `dotnet build`; CHROMIUM=/path overrides /usr/bin/chromium)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import {
  McpUiInitializeRequestSchema, McpUiInitializedNotificationSchema, McpUiSizeChangedNotificationSchema,
} from "@modelcontextprotocol/ext-apps/app-bridge";
import { JSONRPCMessageSchema, CallToolRequestSchema, JSONRPCResultResponseSchema, JSONRPCErrorResponseSchema } from "@modelcontextprotocol/core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const server = path.join(root, "src", "Klaviyo.Mcp", "bin", "Debug", "net10.0", "Klaviyo.Mcp.dll");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log((ok ? "  ok   " : "  FAIL ") + what); };

// ---- The views, from the server as a host gets them -------------------------------------------------------------
async function readViews() {
  if (!existsSync(server)) throw new Error(`${server} is missing: run dotnet build first`);
  const child = spawn("dotnet", [server], {
    env: { ...process.env, KLAVIYO_API_KEY: "pk_apps_browser_test_0000", KLAVIYO_BASE_URL: "http://127.0.0.1:9/" },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const answers = new Map();
  let buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const message = JSON.parse(line);
      answers.get(message.id)?.(message);
    }
  });
  let id = 0;
  const call = (method, params) => new Promise((resolve, reject) => {
    const mine = ++id;
    const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 60000);
    answers.set(mine, (message) => { clearTimeout(timer); message.error ? reject(new Error(message.error.message)) : resolve(message.result); });
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: mine, method, params }) + "\n");
  });
  try {
    const init = await call("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: ["text/html;profile=mcp-app"] } } },
      clientInfo: { name: "apps-browser-test", version: "1" },
    });
    check(!!init.capabilities?.extensions?.["io.modelcontextprotocol/ui"], "the server declares io.modelcontextprotocol/ui");
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
    const tools = (await call("tools/list", {})).tools;
    const listed = (await call("resources/list", {})).resources;
    const views = {};
    for (const tool of tools.filter((t) => t._meta?.ui?.resourceUri)) {
      const resource = listed.find((r) => r.uri === tool._meta.ui.resourceUri);
      check(resource?.mimeType === "text/html;profile=mcp-app", `${tool.name}: its view ${tool._meta.ui.resourceUri} is listed as an MCP App`);
      const read = (await call("resources/read", { uri: tool._meta.ui.resourceUri })).contents[0];
      views[tool.name] = read.text;
    }
    return views;
  } finally {
    child.kill();
  }
}

// ---- Canned tool inputs and results ---------------------------------------------------------------------------
const hostile = "<img src=x onerror=\"window.__pwned=1\">";
const campaignNames = [hostile, "July sale", "Restock alert", "Summer launch", "VIP early access", "Back in stock", "Weekend flash sale",
  "Welcome back", "Holiday gift guide", "Last chance", "New arrivals", "Loyalty rewards", "Cart reminder"];
function campaigns(scale) {
  const items = campaignNames.map((name, i) => ({
    campaign_id: "C" + (i + 1), campaign_name: name, send_channel: "email",
    opens: Math.round((1200 - i * 70) * scale), open_rate: Math.round((0.52 - i * 0.021) * 1000) / 1000,
    click_rate: Math.round((0.061 - i * 0.003) * 1000) / 1000, conversion_value: Math.round((8450.5 - i * 512.25) * scale * 100) / 100,
  }));
  return { items, note: "Conversions count the \"Placed Order\" metric (id M1, Shopify).", untrusted: ["/items/1/campaign_name"] };
}
function flows(scale) {
  const names = [["Welcome series", "Email 1"], ["Welcome series", "Email 2"], ["Abandoned cart", "Reminder"], ["Browse abandonment", "Email 1"], ["Post-purchase", "Thank you"], ["Win-back", "We miss you"]];
  const items = names.map(([flow, message], i) => ({
    flow_id: "F" + i, flow_name: flow, flow_message_id: "FM" + i, flow_message_name: message, send_channel: "email",
    recipients: Math.round((5400 - i * 610) * scale), open_rate: 0.61 - i * 0.05, click_rate: 0.09 - i * 0.011, conversion_rate: 0.031 - i * 0.004,
    conversion_value: Math.round((12850 - i * 1630) * scale * 100) / 100,
  }));
  return { items, note: "Conversions count the \"Placed Order\" metric (id M1, Shopify)." };
}
function metrics(days) {
  const start = Date.UTC(2026, 10, 1);
  const items = [];
  for (const [channel, base] of [["email", 42], ["sms", 17], [hostile, 5]]) {
    for (let d = 0; d < days; d++) {
      items.push({ date: new Date(start + d * 86400000).toISOString().replace(".000Z", "+00:00"), $attributed_channel: channel,
        count: Math.round(base + 12 * Math.sin(d / 2) + d), sum_value: Math.round((base + d) * 61.3 * 100) / 100 });
    }
  }
  return { items, note: "Metric Placed Order (id M1), day intervals in UTC.", untrusted: ["/items/" + (2 * days) + "/$attributed_channel"] };
}
const result = (content) => ({ content: [{ type: "text", text: JSON.stringify(content) }], structuredContent: content, _meta: { "klaviyo-mcp/currency": "USD" } });
const scenarios = {
  query_campaign_values: {
    file: "apps-campaigns.png",
    input: { statistics: ["open_rate", "opens", "click_rate", "conversion_value"], timeframe: "last_30_days" },
    result: result(campaigns(1)), next: "last_90_days", nextResult: result(campaigns(2.5)), names: campaignNames.slice(0, 10),
  },
  query_flow_values: {
    file: "apps-flows.png",
    input: { statistics: ["conversion_value", "recipients", "open_rate", "click_rate", "conversion_rate"], timeframe: "last_30_days" },
    result: result(flows(1)), next: "last_7_days", nextResult: result(flows(0.3)), names: ["Welcome series · Email 1", "Abandoned cart · Reminder"],
  },
  query_metric_aggregates: {
    file: "apps-metrics.png",
    input: { metric_name: "Placed Order", measurements: ["count", "sum_value"], interval: "day", by: ["$attributed_channel"], start: "2026-11-01", end: "2026-11-15" },
    result: result(metrics(14)), next: "last_30_days", nextResult: result(metrics(30)), names: ["email", "sms", hostile],
  },
};

// ---- The host page: relays between the view's iframe and this script ---------------------------------------------
const hostPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;background:#888}iframe{border:0;width:600px;height:400px;display:block}</style></head>
<body><iframe id="view" sandbox="allow-scripts"></iframe></body></html>`;

async function runView(browser, tool, html) {
  const scenario = scenarios[tool];
  console.log(`${tool}`);
  const page = await browser.newPage();
  await page.setViewport({ width: 600, height: 400, deviceScaleFactor: 2 });
  const consoleErrors = [];
  page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  const received = [];
  const toolCalls = [];
  let initialized = false;
  const hostContext = {
    theme: "light",
    locale: "en-US",
    displayMode: "inline",
    containerDimensions: { width: 600, height: 400 },
    styles: { variables: { "--color-background-primary": "light-dark(#ffffff, #121212)", "--color-text-primary": "light-dark(#111111, #f0f0f0)", "--font-sans": "DejaVu Sans, sans-serif" } },
  };

  const toView = (message) => page.evaluate((m) => document.getElementById("view").contentWindow.postMessage(m, "*"), message);
  await page.exposeFunction("fromView", async (message) => {
    received.push(message);
    const base = JSONRPCMessageSchema.safeParse(message);
    check(base.success, `${tool}: ${message.method ?? "response " + message.id} is a JSON-RPC message`);
    if (message.method === "ui/initialize") {
      check(McpUiInitializeRequestSchema.safeParse(message).success, `${tool}: ui/initialize passes AppBridge's McpUiInitializeRequestSchema`);
      await toView({ jsonrpc: "2.0", id: message.id, result: {
        protocolVersion: "2026-01-26", hostInfo: { name: "apps-browser-test", version: "1.0.0" },
        hostCapabilities: { serverTools: {}, logging: {} }, hostContext } });
    } else if (message.method === "ui/notifications/initialized") {
      check(McpUiInitializedNotificationSchema.safeParse(message).success, `${tool}: initialized passes McpUiInitializedNotificationSchema`);
      initialized = true;
      check(toolCalls.length === 0, `${tool}: no tool call on load`);
      await toView({ jsonrpc: "2.0", method: "ui/notifications/tool-input", params: { arguments: scenario.input } });
      await toView({ jsonrpc: "2.0", method: "ui/notifications/tool-result", params: scenario.result });
    } else if (message.method === "ui/notifications/size-changed") {
      check(McpUiSizeChangedNotificationSchema.safeParse(message).success, `${tool}: size-changed passes McpUiSizeChangedNotificationSchema`);
    } else if (message.method === "tools/call") {
      check(CallToolRequestSchema.safeParse(message).success, `${tool}: tools/call passes CallToolRequestSchema`);
      toolCalls.push(message.params);
      await toView({ jsonrpc: "2.0", id: message.id, result: scenario.nextResult });
    } else if (message.method !== undefined) {
      check(false, `${tool}: the view sent an unexpected ${message.method}`);
    } else {
      check(JSONRPCResultResponseSchema.safeParse(message).success || JSONRPCErrorResponseSchema.safeParse(message).success, `${tool}: a response is valid`);
    }
  });
  await page.setContent(hostPage);
  await page.evaluate((source) => {
    const frame = document.getElementById("view");
    window.addEventListener("message", (event) => { if (event.source === frame.contentWindow) window.fromView(event.data); });
    frame.srcdoc = source;
  }, html);
  const frame = await (await page.waitForSelector("#view")).contentFrame();
  await frame.waitForFunction(() => document.querySelectorAll("table tbody tr").length > 0, { timeout: 20000 });
  check(initialized, `${tool}: the handshake completed`);

  // Names, marks, text only.
  const state = await frame.evaluate(() => ({
    labels: Array.from(document.querySelectorAll("svg [aria-label]")).map((e) => e.getAttribute("aria-label")),
    titles: Array.from(document.querySelectorAll("svg rect title, svg circle title, svg path title")).map((t) => t.textContent),
    marks: Array.from(document.querySelectorAll(".untrusted")).map((e) => e.textContent),
    cells: Array.from(document.querySelectorAll("tbody td:first-child, tbody td:nth-child(2)")).map((td) => td.textContent),
    images: document.querySelectorAll("img").length,
    pwned: window.__pwned === 1,
    scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    colorScheme: getComputedStyle(document.documentElement).colorScheme,
    background: getComputedStyle(document.body).backgroundColor,
    bars: document.querySelectorAll("svg rect.bar").length,
    points: document.querySelectorAll("svg circle.point").length,
    timeframe: document.getElementById("timeframe").selectedOptions[0]?.textContent,
  }));
  for (const name of scenario.names) {
    check(state.titles.some((t) => t.startsWith(name)) || state.labels.some((l) => l === name || l.startsWith(name)), `${tool}: ${JSON.stringify(name)} names a chart shape`);
  }
  if (tool === "query_campaign_values") {
    const all = await frame.evaluate(() => { document.getElementById("more-button").click(); return Array.from(document.querySelectorAll("svg rect.bar")).map((r) => r.getAttribute("aria-label")); });
    check(all.length === campaignNames.length, `${tool}: "Show all" draws every campaign's bar (${all.length})`);
    await frame.evaluate(() => document.getElementById("more-button").click());
  }
  if (tool === "query_metric_aggregates") {
    check(state.points === 42, `${tool}: one mark per point (42), got ${state.points}`);
    check(state.labels.includes("email") && state.labels.includes("sms"), `${tool}: each series is a named group`);
  } else {
    check(state.bars >= 6 && state.bars <= 10, `${tool}: at most 10 named bars at first, got ${state.bars}`);
  }
  if (tool !== "query_flow_values") check(state.marks.length > 0, `${tool}: untrusted values are marked (${state.marks.length})`);
  check(state.images === 0 && !state.pwned, `${tool}: a name holding HTML is shown as text, nothing runs`);
  if (tool !== "query_flow_values") check(state.cells.includes(hostile), `${tool}: the hostile name appears verbatim as text`);
  check(state.scroll <= 0, `${tool}: no horizontal scroll at 600x400 (overflow ${state.scroll}px)`);
  check(state.colorScheme === "light", `${tool}: color-scheme follows the host theme (light), got ${state.colorScheme}`);
  check(state.timeframe === "Last 30 days" || tool === "query_metric_aggregates", `${tool}: the timeframe control shows the asked timeframe (${state.timeframe})`);
  if (tool === "query_campaign_values") {
    const percent = await frame.evaluate(() => Array.from(document.querySelectorAll("tbody tr:first-child td")).map((td) => td.textContent));
    check(percent.some((t) => /^\d+(\.\d+)?%$/.test(t)), `${tool}: rates are shown as percentages (${percent.join(" | ")})`);
    check(percent.some((t) => /^\$\d{1,3}(,\d{3})*(\.\d\d)?$/.test(t)), `${tool}: revenue is shown in the account's currency (${percent.join(" | ")})`);
  }

  // Sorting by a column header.
  const sorted = await frame.evaluate(() => {
    const header = document.querySelectorAll("thead th button")[document.querySelectorAll("thead th").length - 1];
    header.click();
    const th = document.querySelectorAll("thead th")[document.querySelectorAll("thead th").length - 1];
    return th.getAttribute("aria-sort");
  });
  check(sorted === "descending" || sorted === "ascending", `${tool}: a column header sorts the table (${sorted})`);

  // Screenshot, light theme, then the dark theme through host-context-changed.
  await page.screenshot({ path: path.join(root, "docs", scenario.file) });
  await toView({ jsonrpc: "2.0", method: "ui/notifications/host-context-changed", params: { theme: "dark" } });
  await frame.waitForFunction(() => getComputedStyle(document.documentElement).colorScheme === "dark", { timeout: 5000 }).catch(() => {});
  const dark = await frame.evaluate(() => ({ scheme: getComputedStyle(document.documentElement).colorScheme, background: getComputedStyle(document.body).backgroundColor }));
  check(dark.scheme === "dark" && dark.background !== state.background, `${tool}: host-context-changed switches to dark (${dark.background})`);
  await page.screenshot({ path: path.join(root, "docs", scenario.file.replace(".png", "-dark.png")) });

  // The timeframe control: a tools/call relayed by the host, and the view renders its answer.
  const before = await frame.evaluate(() => document.querySelector("tbody").textContent);
  await frame.select("#timeframe", scenario.next);
  await frame.waitForFunction((b) => document.querySelector("tbody").textContent !== b, { timeout: 10000 }, before).catch(() => {});
  const call = toolCalls[0];
  check(toolCalls.length === 1 && call.name === tool, `${tool}: the timeframe control calls ${tool} through the host`);
  if (tool === "query_metric_aggregates") {
    check(typeof call?.arguments.start === "string" && typeof call?.arguments.end === "string" && call.arguments.metric_name === "Placed Order" && call.arguments.by?.[0] === "$attributed_channel",
      `${tool}: with start and end for the timeframe and the other arguments kept (${JSON.stringify(call?.arguments)})`);
    const points = await frame.evaluate(() => document.querySelectorAll("svg circle.point").length);
    check(points === 90, `${tool}: the view renders the call's answer (${points} points)`);
  } else {
    check(call?.arguments.timeframe === scenario.next && JSON.stringify(call.arguments.statistics) === JSON.stringify(scenario.input.statistics),
      `${tool}: with timeframe ${scenario.next} and the same statistics (${JSON.stringify(call?.arguments)})`);
    const after = await frame.evaluate(() => document.querySelector("tbody").textContent);
    check(after !== before, `${tool}: the view renders the call's answer`);
  }
  check(received.every((m) => JSONRPCMessageSchema.safeParse(m).success), `${tool}: all ${received.length} messages were JSON-RPC`);
  check(consoleErrors.length === 0, `${tool}: no console errors${consoleErrors.length ? ": " + consoleErrors.join("; ") : ""}`);
  await page.close();
}

const views = await readViews();
const profile = mkdtempSync(path.join(tmpdir(), "apps-browser-"));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`],
});
try {
  for (const tool of Object.keys(scenarios)) {
    check(typeof views[tool] === "string", `${tool}: the server serves its view`);
    if (views[tool]) await runView(browser, tool, views[tool]);
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(failures.length === 0 ? "apps browser test: all checks passed" : `apps browser test: ${failures.length} check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
