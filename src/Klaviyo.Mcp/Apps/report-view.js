// The views' one script, inlined into each view (body[data-view]: campaigns, flows or metrics). It speaks the MCP Apps
// postMessage protocol (spec 2026-01-26) by hand: ui/initialize, then ui/notifications/initialized; it renders the
// tool-result the host sends, and asks the host (tools/call) for the same report over another timeframe when the
// person picks one. Every Klaviyo string is inserted as text (textContent, SVG <title>), never as HTML.
"use strict";
(function () {
  const view = document.body.dataset.view;
  const tool = document.body.dataset.tool;
  const root = document.documentElement;
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

  // ---- JSON-RPC over postMessage ----------------------------------------------------------------------------------
  let nextId = 1;
  const pending = new Map();
  function post(message) { window.parent.postMessage(message, "*"); }
  function request(method, params) {
    const id = nextId++;
    post({ jsonrpc: "2.0", id: id, method: method, params: params });
    return new Promise((resolve, reject) => pending.set(id, { resolve: resolve, reject: reject }));
  }
  function notify(method, params) { post({ jsonrpc: "2.0", method: method, params: params }); }

  const notifications = {
    "ui/notifications/tool-input": (params) => { toolInput = (params && params.arguments) || {}; fillTimeframes(); },
    "ui/notifications/tool-input-partial": () => {},
    "ui/notifications/tool-result": (params) => render(params),
    "ui/notifications/tool-cancelled": (params) => showStatus("The report was cancelled" + (params && params.reason ? ": " + params.reason : "."), true),
    "ui/notifications/host-context-changed": (params) => applyHostContext(params || {}),
  };

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const message = event.data;
    if (!message || typeof message !== "object" || message.jsonrpc !== "2.0") return;
    if (typeof message.method === "string") {
      if (message.id !== undefined && message.id !== null) {
        // Requests from the host: teardown and ping are answered; nothing else is offered.
        if (message.method === "ui/resource-teardown" || message.method === "ping") {
          post({ jsonrpc: "2.0", id: message.id, result: {} });
        } else {
          post({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found: " + message.method } });
        }
        return;
      }
      const handler = notifications[message.method];
      if (handler) handler(message.params);
      return;
    }
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error) waiting.reject(new Error(message.error.message || "The host refused the request."));
    else waiting.resolve(message.result || {});
  });

  // ---- Host context: theme, style variables, fonts, container, locale --------------------------------------------
  let locale = undefined;
  function applyHostContext(context) {
    if (context.theme === "light" || context.theme === "dark") {
      root.dataset.theme = context.theme;
      root.style.colorScheme = context.theme;
    }
    const styles = context.styles || {};
    const variables = styles.variables || {};
    for (const name of Object.keys(variables)) {
      const value = variables[name];
      if (name.startsWith("--") && typeof value === "string") root.style.setProperty(name, value);
    }
    if (styles.css && typeof styles.css.fonts === "string" && !document.getElementById("host-fonts")) {
      const fonts = document.createElement("style");
      fonts.id = "host-fonts";
      fonts.textContent = styles.css.fonts;
      document.head.appendChild(fonts);
    }
    const box = context.containerDimensions;
    if (box) {
      if (typeof box.height === "number") root.style.height = "100vh";
      else if (typeof box.maxHeight === "number") root.style.maxHeight = box.maxHeight + "px";
      if (typeof box.width === "number") root.style.width = "100vw";
      else if (typeof box.maxWidth === "number") root.style.maxWidth = box.maxWidth + "px";
    }
    if (typeof context.locale === "string" && context.locale) {
      try { new Intl.NumberFormat(context.locale); locale = context.locale; } catch (e) { /* an unknown locale: keep the default */ }
      if (lastResult) render(lastResult);
    }
  }

  function reportSize() {
    let last = "";
    const send = () => {
      const width = Math.ceil(document.documentElement.scrollWidth);
      const height = Math.ceil(document.documentElement.scrollHeight);
      const key = width + "x" + height;
      if (key === last) return;
      last = key;
      notify("ui/notifications/size-changed", { width: width, height: height });
    };
    let scheduled = false;
    new ResizeObserver(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => { scheduled = false; send(); });
    }).observe(document.body);
    send();
  }

  // ---- Formatting ---------------------------------------------------------------------------------------------
  const money = new Set(["conversion_value", "average_order_value", "revenue_per_recipient", "text_message_spend", "sum_value"]);
  let currency = null;
  const labels = {
    sum_value: "Revenue", count: "Count", unique: "Unique profiles", recipients: "Recipients", delivered: "Delivered",
    conversion_value: "Revenue", average_order_value: "Avg. order value", revenue_per_recipient: "Revenue per recipient",
    clicks_unique: "Unique clicks", opens_unique: "Unique opens", conversion_uniques: "Unique conversions",
    click_to_open_rate: "Click-to-open rate", spam_complaints: "Spam complaints", unsubscribe_uniques: "Unique unsubscribes",
  };
  function label(key) {
    if (labels[key]) return labels[key];
    const words = key.replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  function isRate(key) { return /_rate$/.test(key); }
  function format(key, value) {
    if (typeof value !== "number" || !isFinite(value)) return value === null || value === undefined ? "—" : String(value);
    if (isRate(key)) return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(value);
    if (money.has(key)) {
      // Cents only where they matter: below 1,000.
      const digits = Math.abs(value) >= 1000 ? 0 : 2;
      if (currency) {
        try { return new Intl.NumberFormat(locale, { style: "currency", currency: currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value); } catch (e) { /* not ISO 4217 */ }
      }
      return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
    }
    return new Intl.NumberFormat(locale, { maximumFractionDigits: Number.isInteger(value) ? 0 : 2 }).format(value);
  }
  function moneyCaption(key) { return money.has(key) && !currency ? label(key) + " (account currency)" : label(key); }
  function formatDate(text, short) {
    // Klaviyo's dates carry the report's offset: the calendar day is the part before "T", whatever the viewer's zone.
    const day = /^\d{4}-\d{2}-\d{2}/.test(String(text)) ? new Date(String(text).slice(0, 10) + "T00:00:00Z") : new Date(text);
    if (isNaN(day.getTime())) return String(text);
    const parts = short ? { month: "short", day: "numeric", timeZone: "UTC" } : { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" };
    const time = /T(\d{2}:\d{2})/.exec(String(text));
    return new Intl.DateTimeFormat(locale, parts).format(day) + (time && time[1] !== "00:00" ? " " + time[1] : "");
  }

  // ---- Timeframes ---------------------------------------------------------------------------------------------
  const timeframes = view === "metrics"
    ? [["last_7_days", "Last 7 days", 7], ["last_30_days", "Last 30 days", 30], ["last_90_days", "Last 90 days", 90], ["last_365_days", "Last 12 months", 365]]
    : [["last_7_days", "Last 7 days"], ["last_30_days", "Last 30 days"], ["last_90_days", "Last 90 days"], ["this_month", "This month"],
      ["last_month", "Last month"], ["this_year", "This year"], ["last_12_months", "Last 12 months"]];
  let toolInput = null;
  let lastResult = null;

  function fillTimeframes() {
    const select = $("timeframe");
    select.replaceChildren();
    const asked = toolInput && typeof toolInput.timeframe === "string" ? toolInput.timeframe : null;
    if (!asked || !timeframes.some((t) => t[0] === asked)) {
      const current = document.createElement("option");
      current.value = "";
      current.textContent = toolInput && toolInput.start && toolInput.end
        ? formatDate(toolInput.start) + " – " + formatDate(toolInput.end)
        : (asked ? label(asked) : "As asked");
      select.appendChild(current);
    }
    for (const t of timeframes) {
      const option = document.createElement("option");
      option.value = t[0];
      option.textContent = t[1];
      select.appendChild(option);
    }
    select.value = asked && timeframes.some((t) => t[0] === asked) ? asked : "";
  }

  function isoDate(date) { return date.toISOString().slice(0, 10); }

  function argumentsFor(key) {
    const args = Object.assign({}, toolInput || {});
    delete args.cursor;
    if (view === "metrics") {
      const days = timeframes.find((t) => t[0] === key)[2];
      const end = new Date();
      end.setUTCHours(0, 0, 0, 0);
      end.setUTCDate(end.getUTCDate() + 1);
      const start = new Date(end.getTime() - days * 86400000);
      args.start = isoDate(start);
      args.end = isoDate(end);
    } else {
      delete args.start;
      delete args.end;
      args.timeframe = key;
    }
    return args;
  }

  $("timeframe").addEventListener("change", (event) => {
    const key = event.target.value;
    if (!key || !toolInput) return;
    const args = argumentsFor(key);
    const select = $("timeframe");
    select.disabled = true;
    showStatus("Loading " + select.options[select.selectedIndex].textContent + "…", false);
    request("tools/call", { name: tool, arguments: args }).then((result) => {
      toolInput = args;
      render(result);
    }, (error) => showStatus("The host could not run the report: " + error.message, true)).finally(() => { select.disabled = false; });
  });

  // ---- Results ------------------------------------------------------------------------------------------------
  function showStatus(text, isError) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function content(result) {
    if (result.structuredContent && typeof result.structuredContent === "object") return result.structuredContent;
    const block = (result.content || []).find((c) => c && c.type === "text");
    try { return block ? JSON.parse(block.text) : null; } catch (e) { return null; }
  }

  function pointerPart(key) { return String(key).replace(/~/g, "~0").replace(/\//g, "~1"); }

  function render(result) {
    lastResult = result;
    if (!result || result.isError) {
      const block = result && (result.content || []).find((c) => c && c.type === "text");
      showStatus(block ? block.text : "The report failed.", true);
      return;
    }
    const data = content(result);
    const items = data && Array.isArray(data.items) ? data.items : [];
    const untrusted = new Set(data && Array.isArray(data.untrusted) ? data.untrusted : []);
    const marked = (i, key) => untrusted.has("/items/" + i + "/" + pointerPart(key)) || untrusted.has("/items/" + i);
    const currencies = new Set(items.map((r) => r && r["$value_currency"]).filter((c) => typeof c === "string" && /^[A-Za-z]{3}$/.test(c)));
    // Revenue is in the account's currency (the server adds it to the result's _meta for views), unless the rows are
    // grouped by the events' own currency: then in that one, or in none when they mix several.
    const account = result._meta && typeof result._meta["klaviyo-mcp/currency"] === "string" ? result._meta["klaviyo-mcp/currency"] : null;
    currency = currencies.size === 1 ? Array.from(currencies)[0].toUpperCase() : currencies.size > 1 ? null : account;
    $("note").textContent = [data && data.note, data && data.next_cursor ? "More rows: ask for the next page (next_cursor)." : null].filter(Boolean).join(" ");
    if (items.length === 0) {
      showStatus("No data for this timeframe.", false);
      $("chart").replaceChildren();
      $("table").hidden = true;
      $("legend").hidden = true;
      $("more").hidden = true;
      return;
    }
    showStatus("", false);
    if (view === "metrics") renderSeries(items, marked); else renderBars(items, marked);
  }

  // ---- Campaigns and flows: a sortable table and a bar chart of one statistic ---------------------------------
  let chosen = null;
  let sort = null;
  let showAll = false;

  // The select of the statistic (or measurement) the chart draws; hidden when there is only one.
  function choose(keys, caption, redraw) {
    if (!chosen || !keys.includes(chosen)) chosen = keys[0];
    const picker = $("statistic");
    picker.replaceChildren();
    for (const key of keys) {
      const option = document.createElement("option");
      option.value = key;
      option.textContent = label(key);
      picker.appendChild(option);
    }
    picker.value = chosen;
    $("statistic-caption").textContent = caption;
    $("statistic-label").hidden = keys.length < 2;
    picker.onchange = () => { chosen = picker.value; redraw(); };
  }

  function statisticKeys(items) {
    const asked = toolInput && Array.isArray(toolInput.statistics) ? toolInput.statistics : [];
    const present = new Set();
    for (const item of items) for (const key of Object.keys(item)) if (typeof item[key] === "number") present.add(key);
    const keys = asked.filter((k) => present.has(k));
    for (const k of present) if (!keys.includes(k)) keys.push(k);
    return keys;
  }

  function rowName(item) {
    const name = view === "campaigns"
      ? item.campaign_name || item.campaign_message_name || item.campaign_id
      : [item.flow_name || item.flow_id, item.flow_message_name].filter(Boolean).join(" · ") || item.flow_message_id;
    const parts = [name || item.group_name || item.tag_name || "(unnamed)"];
    if (item.variation_name) parts.push(item.variation_name);
    return parts.join(" · ");
  }

  function nameKey(item) {
    if (view === "campaigns") return item.campaign_name ? "campaign_name" : item.campaign_message_name ? "campaign_message_name" : "campaign_id";
    return item.flow_name ? "flow_name" : "flow_id";
  }

  function renderBars(items, marked) {
    const keys = statisticKeys(items);
    const channels = new Set(items.map((i) => i.send_channel).filter(Boolean));
    const rows = items.map((item, i) => ({
      index: i,
      item: item,
      name: rowName(item),
      channel: channels.size > 1 ? item.send_channel : null,
      untrusted: marked(i, nameKey(item)),
    }));
    choose(keys, "Chart", () => renderBars(items, marked));
    $("subtitle").textContent = rows.length + (view === "campaigns" ? " campaign" : " flow") + (rows.length === 1 ? "" : "s") +
      (channels.size === 1 ? " · " + label(Array.from(channels)[0]) : "");

    // The chart: one named bar per row, largest first; the first 10 unless the person asks for all.
    const ranked = rows.filter((r) => typeof r.item[chosen] === "number").sort((a, b) => b.item[chosen] - a.item[chosen]);
    const limit = 10;
    const shown = showAll ? ranked : ranked.slice(0, limit);
    drawBars(shown, chosen);
    const more = $("more");
    more.hidden = ranked.length <= limit;
    $("more-button").textContent = showAll ? "Show the top " + limit : "Show all " + ranked.length + " (top " + limit + " shown)";
    $("more-button").onclick = () => { showAll = !showAll; renderBars(items, marked); };

    // The table: every row, sortable by any column.
    const columns = [{ key: "name", caption: view === "campaigns" ? "Campaign" : "Flow" }];
    if (channels.size > 1) columns.push({ key: "channel", caption: "Channel" });
    for (const key of keys) columns.push({ key: key, caption: moneyCaption(key) });
    drawTable(columns, rows, (row, key) => key === "name" ? row.name : key === "channel" ? label(row.channel || "") : row.item[key],
      (row, key) => key === "name" ? row.name : key === "channel" ? label(row.channel || "") : format(key, row.item[key]),
      (row, key) => key === "name" && row.untrusted);
  }

  function svg(name, attributes) {
    const element = document.createElementNS(SVG, name);
    for (const key of Object.keys(attributes || {})) element.setAttribute(key, attributes[key]);
    return element;
  }
  function titled(element, text) {
    const title = svg("title");
    title.textContent = text;
    element.appendChild(title);
    element.setAttribute("aria-label", text);
    return element;
  }
  function truncate(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }

  function drawBars(rows, key) {
    const chart = $("chart");
    const width = 560, rowHeight = 22, labelWidth = 180, valueWidth = 80;
    const height = rows.length * rowHeight + 4;
    const max = Math.max(0, ...rows.map((r) => r.item[key]));
    const plot = width - labelWidth - valueWidth;
    const graphic = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img" });
    graphic.setAttribute("aria-label", label(key) + " by " + (view === "campaigns" ? "campaign" : "flow"));
    rows.forEach((row, i) => {
      const y = i * rowHeight + 2;
      const text = svg("text", { x: labelWidth - 6, y: y + rowHeight / 2 + 4, "text-anchor": "end" });
      text.textContent = truncate(row.name + (row.channel ? " (" + label(row.channel) + ")" : ""), 28);
      if (row.untrusted) text.setAttribute("class", "untrusted");
      graphic.appendChild(text);
      const value = row.item[key];
      const bar = svg("rect", {
        class: "bar", x: labelWidth, y: y + 3, height: rowHeight - 6, rx: 2,
        width: max > 0 ? Math.max(1, (value / max) * plot) : 1,
        role: "img", "data-name": row.name,
      });
      titled(bar, row.name + (row.channel ? " (" + label(row.channel) + ")" : "") + ": " + format(key, value));
      graphic.appendChild(bar);
      const figure = svg("text", { x: labelWidth + (max > 0 ? (value / max) * plot : 0) + 4, y: y + rowHeight / 2 + 4 });
      figure.textContent = format(key, value);
      graphic.appendChild(figure);
    });
    chart.replaceChildren(graphic);
  }

  function drawTable(columns, rows, sortValue, cellText, isMarked) {
    const wrap = $("table");
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    if (!sort || !columns.some((c) => c.key === sort.key)) sort = null;
    const sorted = rows.slice();
    if (sort) {
      sorted.sort((a, b) => {
        const x = sortValue(a, sort.key), y = sortValue(b, sort.key);
        const order = typeof x === "number" && typeof y === "number" ? x - y
          : x === undefined || x === null ? 1 : y === undefined || y === null ? -1 : String(x).localeCompare(String(y), locale);
        return sort.descending ? -order : order;
      });
    }
    for (const column of columns) {
      const th = document.createElement("th");
      th.scope = "col";
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = column.caption;
      button.title = "Sort by " + column.caption;
      if (sort && sort.key === column.key) th.setAttribute("aria-sort", sort.descending ? "descending" : "ascending");
      button.addEventListener("click", () => {
        const numeric = column.key !== "name" && column.key !== "channel" && column.key !== "series";
        sort = sort && sort.key === column.key ? { key: column.key, descending: !sort.descending } : { key: column.key, descending: numeric };
        drawTable(columns, rows, sortValue, cellText, isMarked);
      });
      th.appendChild(button);
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of sorted) {
      const tr = body.insertRow();
      columns.forEach((column, c) => {
        const td = tr.insertCell();
        const text = String(cellText(row, column.key));
        td.textContent = text;
        td.title = text;
        if (c > 0) td.className = "num";
        if (isMarked(row, column.key)) {
          td.classList.add("untrusted");
          td.dataset.untrusted = "true";
          td.title = text + " (written outside the account)";
        }
      });
    }
    wrap.replaceChildren(table);
    wrap.hidden = false;
  }

  // ---- Metrics: one line per dimension value, one mark per point, the points as a table -------------------------
  function renderSeries(items, marked) {
    const measurements = ["count", "sum_value", "unique"].filter((m) => items.some((i) => typeof i[m] === "number"));
    const asked = toolInput && Array.isArray(toolInput.measurements) ? toolInput.measurements.filter((m) => measurements.includes(m)) : [];
    const keys = asked.concat(measurements.filter((m) => !asked.includes(m)));
    choose(keys, "Measure", () => renderSeries(items, marked));

    const dimensions = toolInput && Array.isArray(toolInput.by) ? toolInput.by : [];
    const byName = new Map();
    items.forEach((item, i) => {
      const parts = dimensions.map((d) => item[d]).filter((v) => v !== undefined && v !== null && v !== "");
      const name = parts.length > 0 ? parts.join(" · ") : (dimensions.length > 0 ? "(none)" : "All");
      if (!byName.has(name)) byName.set(name, { name: name, points: [], untrusted: false });
      const series = byName.get(name);
      series.points.push({ date: item.date, value: item[chosen], index: i });
      if (dimensions.some((d) => marked(i, d))) series.untrusted = true;
    });
    const all = Array.from(byName.values());
    for (const s of all) s.total = s.points.reduce((sum, p) => sum + (typeof p.value === "number" ? p.value : 0), 0);
    all.sort((a, b) => b.total - a.total);
    const limit = 8;
    const shown = showAll ? all : all.slice(0, limit);
    const metric = toolInput && (toolInput.metric_name || toolInput.metric_id);
    $("subtitle").textContent = [metric ? String(metric) : null, all.length > 1 ? all.length + " series" : null,
      toolInput && toolInput.interval ? label(toolInput.interval) + " intervals" : null].filter(Boolean).join(" · ");
    drawLines(shown, chosen);
    const more = $("more");
    more.hidden = all.length <= limit;
    $("more-button").textContent = showAll ? "Show the top " + limit + " series" : "Show all " + all.length + " series (top " + limit + " shown)";
    $("more-button").onclick = () => { showAll = !showAll; renderSeries(items, marked); };

    const rows = [];
    for (const s of all) for (const p of s.points) rows.push({ series: s.name, untrusted: s.untrusted, date: p.date, item: items[p.index] });
    const columns = [{ key: "date", caption: "Date" }];
    if (all.length > 1 || dimensions.length > 0) columns.push({ key: "series", caption: dimensions.map(label).join(" · ") || "Series" });
    for (const key of keys) columns.push({ key: key, caption: moneyCaption(key) });
    if (!sort) sort = { key: "date", descending: false };
    drawTable(columns, rows,
      (row, key) => key === "date" ? row.date : key === "series" ? row.series : row.item[key],
      (row, key) => key === "date" ? formatDate(row.date) : key === "series" ? row.series : format(key, row.item[key]),
      (row, key) => key === "series" && row.untrusted);
  }

  function drawLines(series, key) {
    const chart = $("chart");
    const legend = $("legend");
    const width = 560, height = 200, left = 56, right = 8, top = 8, bottom = 24;
    const dates = Array.from(new Set(series.flatMap((s) => s.points.map((p) => p.date)))).sort();
    const values = series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => typeof v === "number");
    const max = Math.max(1, ...values);
    const x = (date) => left + (dates.length < 2 ? (width - left - right) / 2 : (dates.indexOf(date) / (dates.length - 1)) * (width - left - right));
    const y = (value) => top + (1 - value / max) * (height - top - bottom);
    const graphic = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img" });
    graphic.setAttribute("aria-label", label(key) + " over time");
    for (let g = 0; g <= 4; g++) {
      const value = (max * g) / 4;
      graphic.appendChild(svg("line", { class: g === 0 ? "axis" : "grid", x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      const tick = svg("text", { x: left - 4, y: y(value) + 4, "text-anchor": "end" });
      tick.textContent = format(key, value);
      graphic.appendChild(tick);
    }
    const ticks = Math.min(dates.length, 5);
    for (let t = 0; t < ticks; t++) {
      const date = dates[ticks === 1 ? 0 : Math.round((t * (dates.length - 1)) / (ticks - 1))];
      const tick = svg("text", { x: x(date), y: height - 6, "text-anchor": t === 0 && ticks > 1 ? "start" : t === ticks - 1 && ticks > 1 ? "end" : "middle" });
      tick.textContent = formatDate(date, true);
      graphic.appendChild(tick);
    }
    legend.replaceChildren();
    series.forEach((s, i) => {
      const colour = "var(--series-" + ((i % 8) + 1) + ")";
      const group = svg("g", { role: "group", "data-series": s.name });
      group.setAttribute("aria-label", s.name);
      const points = s.points.filter((p) => typeof p.value === "number");
      const path = svg("path", { class: "line", d: points.map((p, j) => (j === 0 ? "M" : "L") + x(p.date).toFixed(1) + " " + y(p.value).toFixed(1)).join(" ") });
      path.style.stroke = colour;
      titled(path, s.name);
      group.appendChild(path);
      for (const p of points) {
        const dot = svg("circle", { class: "point", cx: x(p.date).toFixed(1), cy: y(p.value).toFixed(1), r: dates.length > 60 ? 1.5 : 3, role: "img" });
        dot.style.fill = colour;
        titled(dot, s.name + ", " + formatDate(p.date) + ": " + format(key, p.value));
        group.appendChild(dot);
      }
      graphic.appendChild(group);
      const entry = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      const name = document.createElement("span");
      name.textContent = s.name;
      if (s.untrusted) name.className = "untrusted";
      entry.append(swatch, name);
      legend.appendChild(entry);
    });
    legend.hidden = series.length < 2 && series[0] && series[0].name === "All";
    chart.replaceChildren(graphic);
  }

  // ---- Start: the handshake; no tool call until the person asks for one ----------------------------------------
  fillTimeframes();
  request("ui/initialize", {
    appInfo: { name: "klaviyo-" + view, version: "1.0.0" },
    appCapabilities: {},
    protocolVersion: "2026-01-26",
  }).then((result) => {
    applyHostContext(result.hostContext || {});
    notify("ui/notifications/initialized", {});
    reportSize();
  }, (error) => showStatus("The host did not start this view: " + error.message, true));
})();
