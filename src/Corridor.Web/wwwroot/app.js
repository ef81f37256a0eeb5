// Corridor console: plain HTML screens over the public HTTP API (docs/api.md), with the token the user signs in with.
// Nothing here decides about money: every action is an API request, refused or accepted by the node.
"use strict";
(function () {
  const POLL_MS = 1500;
  const OPERATOR_ID = "18446744073709551615";
  const labels = window.CorridorLabels;
  const RECONNECT_MS = 5000, COALESCE_MS = 150;
  const state = { token: null, who: null, lang: localStorage.getItem("corridor.lang") || "en", live: null, timer: null, series: null, chart: null, ledgers: [], offsetMinutes: null,
    stream: null, mode: "poll", reconnect: null, pending: null };

  const $ = (sel, root) => (root || document).querySelector(sel);
  const t = key => (labels[state.lang] && labels[state.lang][key]) || labels.en[key] || key;
  const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const num = v => (v === null || v === undefined) ? t("common.none") : Number(v).toLocaleString(state.lang === "ru" ? "ru-RU" : "en-GB");
  // Times are shown at the operator's UTC offset (the cut-off schedule's, GET /v1/day/schedule), in UTC while no schedule names one.
  const offsetText = minutes => minutes === null || minutes === 0 ? "UTC" : (minutes < 0 ? "-" : "+") + String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0") + ":" + String(Math.abs(minutes) % 60).padStart(2, "0");
  const atOffset = ms => new Date(ms + (state.offsetMinutes || 0) * 60000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " " + offsetText(state.offsetMinutes));
  const time = ns => !ns || ns === "0" ? t("common.none") : atOffset(Number(BigInt(ns) / 1000000n));
  const currencyOf = ledger => (state.ledgers.find(l => l.ledger === ledger) || {}).currency_code || ("#" + ledger);
  const randomId = () => "0x" + Array.from(crypto.getRandomValues(new Uint8Array(12)), b => b.toString(16).padStart(2, "0")).join("");
  const isOperator = () => state.who && state.who.kind === "operator";
  const role = () => state.who && state.who.role;
  const mayOperate = () => isOperator() && (role() === "operator" || role() === "administrator");
  const mayComply = () => isOperator() && (role() === "compliance" || role() === "administrator");

  // ───── API ─────
  async function api(method, path, body) {
    if (!state.token) return { ok: false, status: 401, data: { code: "auth.signed_out" } }; // signed out meanwhile: never send "Bearer null"
    const headers = { "Authorization": "Bearer " + state.token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const type = res.headers.get("content-type") || "";
    const data = type.includes("json") ? await res.json() : await res.text();
    return { ok: res.ok, status: res.status, data, lag: res.headers.get("Corridor-Read-Model-Lag"), next: res.headers.get("Corridor-Next-Cursor") };
  }
  const problem = r => `${t("common.error")}: HTTP ${r.status} ${r.data && r.data.code ? r.data.code : ""} ${r.data && r.data.detail ? "— " + r.data.detail : ""}`;
  const msg = (el, ok, text) => { el.innerHTML = `<p class="msg ${ok ? "ok" : "err"}" role="status">${esc(text)}</p>`; };
  // Live regions are replaced only when their content changed, so focus and selection survive a refresh.
  const rendered = new WeakMap();
  const setHtml = (el, html) => { if (el && rendered.get(el) !== html) { el.innerHTML = html; rendered.set(el, html); } };

  // Who a token names: the documented token layout (docs/api.md): participant id u64 LE, role u8, …
  function decodeToken(token) {
    const first = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(first + "===".slice((first.length + 3) % 4)), c => c.charCodeAt(0));
    if (bytes.length < 9) throw new Error("short token");
    let id = 0n;
    for (let i = 7; i >= 0; i--) id = (id << 8n) | BigInt(bytes[i]);
    return { id: id.toString(), role: bytes[8] };
  }

  // ───── sign in ─────
  async function signIn(token) {
    state.token = token.trim();
    let decoded;
    try { decoded = decodeToken(state.token); } catch { return false; }
    if (decoded.role === 3 || decoded.role === 4) {
      const r = await api("GET", "/v1/operators");
      if (!r.ok) return false;
      const userId = decoded.role === 3 ? "1" : decoded.id;
      const user = r.data.find(u => String(u.id) === userId) || { id: userId, name: "root", role: "administrator" };
      state.who = { kind: "operator", id: userId, name: user.name, role: user.role };
    } else {
      const r = await api("GET", "/v1/participants/" + decoded.id);
      if (!r.ok) return false;
      state.who = { kind: "participant", id: decoded.id, name: r.data.name, role: r.data.role };
    }
    sessionStorage.setItem("corridor.token", state.token);
    const l = await api("GET", "/v1/ledgers");
    state.ledgers = l.ok ? l.data : [];
    await loadOffset();
    connectEvents();
    return true;
  }

  function signOut() {
    sessionStorage.removeItem("corridor.token");
    // Nothing of the session may call the API afterwards: the stream, its reconnect, a coalesced refresh and the poll all stop.
    closeStream(); clearTimeout(state.reconnect); clearTimeout(state.pending); clearInterval(state.timer);
    state.pending = null; state.timer = null; state.live = null;
    state.token = null; state.who = null;
    location.hash = "";
    render();
  }

  // ───── layout ─────
  const screens = [
    { id: "overview", label: "nav.overview", show: () => true },
    { id: "payments", label: "nav.payments", show: () => true },
    { id: "participants", label: "nav.participants", show: () => isOperator() },
    { id: "liquidity", label: "nav.liquidity", show: () => true },
    { id: "queues", label: "nav.queues", show: () => true },
    { id: "netting", label: "nav.netting", show: () => true },
    { id: "fx", label: "nav.fx", show: () => true },
    { id: "compliance", label: "nav.compliance", show: () => mayComply() },
    { id: "day", label: "nav.day", show: () => true },
  ];

  function applyLabels() {
    document.documentElement.lang = state.lang;
    document.title = t("app.title");
    for (const el of document.querySelectorAll("[data-label]")) el.textContent = t(el.dataset.label);
    $("#lang").value = state.lang;
    $("#nav").setAttribute("aria-label", t("nav.label"));
    $("#live-mode").textContent = state.who ? t("live." + state.mode) : "";
  }

  function route() {
    const parts = location.hash.replace(/^#\/?/, "").split("/");
    const screen = screens.find(s => s.id === parts[0] && s.show()) ? parts[0] : "overview";
    return { screen, arg: parts.slice(1).map(decodeURIComponent).join("/") };
  }

  async function render() {
    clearInterval(state.timer);
    state.live = null; state.chart = null; state.latencyChart = null;
    applyLabels();
    const main = $("#main");
    if (!state.who) {
      $("#nav").hidden = true; $("#signout").hidden = true; $("#who").textContent = "";
      main.innerHTML = `<h2>${t("signin.title")}</h2><p>${t("signin.help")}</p>
        <form id="signin" class="inline"><label>${t("signin.token")}<input id="token" name="token" type="password" autocomplete="off" required size="60"></label>
        <button class="primary" type="submit">${t("signin.submit")}</button></form><div id="signin-msg"></div>`;
      return;
    }
    const { screen, arg } = route();
    $("#signout").hidden = false;
    $("#who").textContent = `${t(isOperator() ? "who.operator" : "who.participant")}: ${state.who.name} (${state.who.role})`;
    const nav = $("#nav");
    nav.hidden = false;
    nav.innerHTML = screens.filter(s => s.show()).map(s => `<a href="#/${s.id}"${s.id === screen ? ' aria-current="page"' : ""}>${esc(t(s.label))}</a>`).join("");
    main.innerHTML = "";
    await views[screen](main, arg);
    if (state.live) {
      await tick();
      if (state.mode === "poll") state.timer = setInterval(tick, POLL_MS);
    }
  }

  // ───── live updates ─────
  // The server pushes changes (GET /v1/events, server-sent events, scoped like the API); the open screen re-reads the API when
  // one arrives. EventSource cannot send the token, so a single-use ticket opens the stream (POST /v1/events/tickets). Only while
  // the stream is down does the screen poll, and a new stream is tried every RECONNECT_MS.
  async function connectEvents() {
    if (!state.token || state.stream) return;
    clearTimeout(state.reconnect);
    const r = await api("POST", "/v1/events/tickets");
    if (!r.ok || !state.token || state.stream) { if (!state.stream) streamDown(); return; }
    const es = new EventSource("/v1/events?ticket=" + encodeURIComponent(r.data.ticket));
    state.stream = es;
    es.addEventListener("open", () => setMode("push"));
    for (const name of ["day", "payment", "account", "changed"]) es.addEventListener(name, refreshSoon);
    es.addEventListener("end", () => { closeStream(); connectEvents(); }); // lifetime reached: a new ticket, a new stream
    es.addEventListener("error", () => { closeStream(); streamDown(); });
  }

  function closeStream() {
    if (state.stream) { state.stream.close(); state.stream = null; }
  }

  function streamDown() {
    setMode("poll");
    clearTimeout(state.reconnect);
    if (state.token) state.reconnect = setTimeout(connectEvents, RECONNECT_MS);
  }

  function setMode(mode) {
    state.mode = mode;
    document.body.dataset.live = mode;
    $("#live-mode").textContent = t("live." + mode);
    clearInterval(state.timer);
    state.timer = mode === "poll" && state.live ? setInterval(tick, POLL_MS) : null;
  }

  // Several events in a burst make one refresh.
  function refreshSoon() {
    if (!state.pending) state.pending = setTimeout(() => { state.pending = null; tick(); }, COALESCE_MS);
  }

  async function tick() {
    if (!state.live || !state.token) return;
    try {
      await state.live();
      $("#updated").textContent = `${t("live.updated")}: ${new Date().toLocaleTimeString(state.lang === "ru" ? "ru-RU" : "en-GB")}`;
    } catch (e) {
      $("#updated").textContent = String(e);
    }
  }

  // ───── data helpers ─────
  async function participantsVisible() {
    if (isOperator()) {
      if (!mayOperate()) return []; // the participant list is a system-operator read (role operator or administrator)
      const r = await api("GET", "/v1/participants");
      return r.ok ? r.data : [];
    }
    const r = await api("GET", "/v1/participants/" + state.who.id);
    return r.ok ? [r.data] : [];
  }

  const table = (heads, rows) => `<table><thead><tr>${heads.map(h => `<th scope="col"${h.num ? ' class="num"' : ""}>${esc(t(h.k || h))}</th>`).join("")}</tr></thead>
    <tbody>${rows.join("")}</tbody></table>`;
  const statusCell = s => `<span class="status-${esc(s)}">${esc(s)}</span>`;
  const kv = o => !o ? `<p>${t("common.none")}</p>` : `<dl class="kv">${Object.entries(o).filter(([, v]) => v !== null && v !== "").map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(typeof v === "object" ? JSON.stringify(v) : v)}</dd>`).join("")}</dl>`;
  const ledgerOptions = () => state.ledgers.map(l => `<option value="${l.ledger}">${esc(l.currency_code)} (${l.ledger})</option>`).join("");
  const rate = r => (r.numerator / r.denominator).toLocaleString(state.lang === "ru" ? "ru-RU" : "en-GB", { maximumFractionDigits: 9 }); // display only: the node keeps the exact fraction

  // ───── screens ─────
  const views = {
    async overview(main) {
      main.innerHTML = `<h2>${t("nav.overview")}</h2>
        <section class="panel"><div id="ov-day" class="tiles"></div></section>
        <section class="panel"><h3>${t("cutoff.title")}</h3><div id="ov-cutoffs" class="tiles"></div></section>
        <section class="panel"><h3>${t("overview.alerts")}</h3><div id="ov-alerts"></div></section>
        <div class="two"><section class="panel"><h3>${t("overview.throughput")}</h3><div id="ov-chart"></div></section>
        <section class="panel"><h3>${t("overview.latency")}</h3><div id="ov-latency" data-p99-ms=""></div></section></div>
        <section class="panel"><h3>${t("overview.liquidity")}</h3><div id="ov-liq"></div></section>`;
      state.series = state.series || { x: [], y: [], last: null };
      state.latency = state.latency || { x: [], p50: [], p99: [], last: null };
      if (window.uPlot) {
        state.chart = new uPlot({ width: 520, height: 200, series: [{}, { label: t("overview.settled"), stroke: "#0a4fa3", width: 2 }],
          axes: [{}, {}], scales: { x: { time: true } } }, [state.series.x, state.series.y], $("#ov-chart"));
        state.latencyChart = new uPlot({ width: 520, height: 200, series: [{}, { label: "p50 ms", stroke: "#2e7d32", width: 2 }, { label: "p99 ms", stroke: "#c62828", width: 2 }],
          axes: [{}, {}], scales: { x: { time: true } } }, [state.latency.x, state.latency.p50, state.latency.p99], $("#ov-latency"));
      }
      state.live = async () => {
        const day = (await api("GET", "/v1/day")).data;
        const phase = day.phase;
        const tiles = [["overview.date", day.business_date || t("common.none")], ["overview.phase", t("phase." + phase)],
          ["overview.since", time(day.phase_since)], ["overview.next", day.next_cutoff ? t("phase." + day.next_cutoff) : t(day.business_date ? "next." + phase : "next.none")],
          ["overview.submitted", num(day.submitted)], ["overview.settled", num(day.settled)], ["overview.queued", num(day.queued)],
          ["overview.held", num(day.held)], ["overview.refused", num(day.rejected + day.revoked)]];
        setHtml($("#ov-day"), tiles.map(([k, v]) => `<div class="tile" data-tile="${k}"><div class="k">${esc(t(k))}</div><div class="v">${esc(v)}${
          k === "overview.next" && day.next_cutoff_at ? ` <span class="countdown" data-countdown-at="${esc(day.next_cutoff_at)}"></span>` : ""}</div></div>`).join(""));
        setHtml($("#ov-cutoffs"), cutoffTiles(day));
        countdowns();
        // Throughput: settled payments counted between two polls.
        const s = state.series, now = Date.now() / 1000;
        if (s.last !== null) { s.x.push(now); s.y.push(Math.max(0, day.settled - s.last)); if (s.x.length > 120) { s.x.shift(); s.y.shift(); } }
        s.last = day.settled;
        if (state.chart) state.chart.setData([s.x, s.y]);
        // Latency of the requests answered since the last poll: the node's histogram read twice, subtracted bucket by bucket.
        const lat = await api("GET", "/v1/node/latency");
        if (lat.ok) {
          const L = state.latency, counts = new Map(lat.data.buckets.map(b => [b.upper_micros, b.count]));
          if (L.last) {
            const interval = [...counts.entries()].map(([le, n]) => [le, n - (L.last.get(le) || 0)]).filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
            const total = interval.reduce((sum, [, n]) => sum + n, 0);
            const at = q => { let seen = 0; for (const [le, n] of interval) { seen += n; if (seen >= Math.ceil(q * total)) return le / 1000; } return 0; };
            if (total > 0) {
              L.x.push(Date.now() / 1000); L.p50.push(at(0.5)); L.p99.push(at(0.99));
              if (L.x.length > 120) { L.x.shift(); L.p50.shift(); L.p99.shift(); }
              $("#ov-latency").dataset.p99Ms = String(at(0.99));
            }
          }
          L.last = counts;
          if (state.latencyChart) state.latencyChart.setData([L.x, L.p50, L.p99]);
        }
        // Liquidity per currency, from the settlement accounts this token may see.
        const parts = await participantsVisible();
        const sums = new Map();
        const alerts = [];
        for (const p of parts) for (const a of p.accounts || []) sums.set(a.ledger, (sums.get(a.ledger) || 0) + a.balance_minor);
        setHtml($("#ov-liq"), table(["col.currency", "col.ledger", { k: "col.balance", num: true }],
          [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([l, v]) => `<tr><td>${esc(currencyOf(l))}</td><td>${l}</td><td class="num">${num(v)}</td></tr>`)));
        if (mayComply()) {
          const holds = await api("GET", "/v1/compliance/holds");
          if (holds.ok && holds.data.length) alerts.push(`${holds.data.length} ${t("alerts.holds")}`);
        }
        if (isOperator()) {
          const acts = await api("GET", "/v1/operator-acts");
          if (acts.ok && acts.data.length) alerts.push(`${acts.data.length} ${t("alerts.acts")}`);
        }
        let old = 0;
        if (isOperator()) {
          // The node's own view of every queue (GET /v1/queues, Core's rule): how many wait over 5 minutes, and the gridlocks —
          // queued payments waiting on each other in a circle that the liquidity-saving mechanism, which runs on every queue
          // change, could not settle: liquidity must come in.
          const queues = await api("GET", "/v1/queues?older_than_seconds=300");
          if (queues.ok) for (const q of queues.data) {
            old += q.older;
            if (q.gridlock) alerts.push(`${t("alerts.gridlock")} ${q.currency || currencyOf(q.ledger)}: ${q.gridlock.concat(q.gridlock[0]).join(" → ")}`);
          }
        } else {
          const limitNs = BigInt(Date.now() - 5 * 60 * 1000) * 1000000n;
          for (const p of parts.slice(0, 50)) for (const a of p.accounts || []) if (a.queued_count > 0) {
            const q = await api("GET", `/v1/participants/${p.id}/queue/${a.ledger}`);
            if (q.ok) old += q.data.filter(x => BigInt(x.submitted_at) < limitNs).length;
          }
        }
        if (old) alerts.push(`${old} ${t("alerts.queue")}`);
        const health = await fetch("/health/ready").then(r => r.text()).catch(() => "");
        // Peer links (federation): /health/ready names each peer's link as the outbox last saw it ("peer 7: down (reason), 3 awaiting").
        if (isOperator())
          for (const m of health.matchAll(/^peer (\d+): down \((.*)\), (\d+) awaiting$/gm)) alerts.push(`${t("alerts.peer_down")} ${m[1]} (${m[3]} ${t("alerts.awaiting")}): ${m[2]}`);
        const lag = /lag[^0-9]*(\d+)/i.exec(health);
        if (lag && Number(lag[1]) > 100) alerts.push(`${t("alerts.lag")} ${lag[1]}`);
        setHtml($("#ov-alerts"), alerts.length ? `<ul class="alerts">${alerts.map(a => `<li>${esc(a)}</li>`).join("")}</ul>` : `<p>${t("alerts.none")}</p>`);
      };
    },

    async payments(main, arg) {
      if (arg) return paymentPage(main, arg);
      const by = ["id", "uetr", "endToEndId", "invoiceNumber", "letterOfCredit", "msgId", "txId"];
      main.innerHTML = `<h2>${t("nav.payments")}</h2><section class="panel"><h3>${t("payments.search")}</h3>
        <form id="pay-search" class="inline"><label>${t("payments.by")}<select name="by">${by.map(b => `<option value="${b}">${esc(t("by." + b))}</option>`).join("")}</select></label>
        <label>${t("payments.value")}<input name="value" required maxlength="64"></label><button class="primary" type="submit">${t("payments.find")}</button></form>
        <div id="pay-results" aria-live="polite"></div></section>
        <section class="panel"><h3>${t("payments.list")}</h3>
        <form id="pay-list" class="inline"><label>${t("col.status")}<select name="status"><option value="">${t("payments.any")}</option>${STATUSES.map(x => `<option value="${x}">${esc(t("status." + x))}</option>`).join("")}</select></label>
        <label>${t("payments.date")}<input name="date" type="date"></label><label>${t("payments.party")}<input name="party" maxlength="140"></label>
        <label>${t("col.kind")}<select name="kind"><option value="">${t("payments.any")}</option><option value="settlement">${t("kind.settlement")}</option><option value="pvp">${t("kind.pvp")}</option></select></label>
        <button class="primary" type="submit">${t("payments.list_submit")}</button></form>
        <div id="pay-list-results" aria-live="polite"></div></section>`;
    },

    async participants(main) {
      main.innerHTML = `<h2>${t("participants.title")}</h2>
        ${mayOperate() ? `<section class="panel"><h3>${t("participants.add")}</h3><form id="add-participant" class="inline">
          <label>${t("participants.id")}<input name="id" required inputmode="numeric" pattern="[0-9]+" size="8"></label>
          <label>${t("participants.name")}<input name="name" required maxlength="140"></label>
          <label>${t("participants.role")}<select name="role"><option value="direct">${t("role.direct")}</option><option value="central-bank">${t("role.central-bank")}</option></select></label>
          <label>${t("participants.bic")}<input name="bic" maxlength="11" size="11"></label>
          <button class="primary" type="submit">${t("participants.submit")}</button></form><div id="add-msg"></div></section>` : ""}
        <section class="panel"><div id="participants-list"></div><div id="participants-msg"></div></section>`;
      state.live = async () => {
        const parts = await participantsVisible();
        setHtml($("#participants-list"), table(["col.id", "col.name", "col.role", "col.status", "col.bic", "col.accounts", "col.actions"], parts.map(p =>
          `<tr data-participant="${p.id}"><td>${p.id}</td><td>${esc(p.name)}</td><td>${esc(p.role)}</td><td>${esc(p.status)}</td><td>${esc(p.bic || t("common.none"))}</td>
           <td>${(p.accounts || []).map(a => `${esc(currencyOf(a.ledger))} ${esc(a.account_id)}`).join("<br>")}</td>
           <td>${mayOperate() ? (p.status === "active"
              ? `<button type="button" data-action="status" data-id="${p.id}" data-status="suspended">${t("participants.suspend")}</button>`
              : `<button type="button" data-action="status" data-id="${p.id}" data-status="active">${t("participants.enable")}</button>`) : ""}</td></tr>`)));
      };
    },

    async liquidity(main) {
      main.innerHTML = `<h2>${t("nav.liquidity")}</h2><section class="panel"><h3>${t("liquidity.positions")}</h3><div id="positions"></div></section>
        ${mayOperate() ? `<section class="panel"><h3>${t("liquidity.move")}</h3><p class="muted">${t("liquidity.move.help")}</p>
          <form id="move-liquidity" class="inline"><label>${t("col.participant")}<input name="participant" required inputmode="numeric" pattern="[0-9]+" size="8"></label>
          <label>${t("col.ledger")}<select name="ledger">${state.ledgers.map(l => `<option value="${l.ledger}">${esc(l.currency_code)} (${l.ledger})</option>`).join("")}</select></label>
          <label>${t("liquidity.direction")}<select name="direction"><option value="inject">${t("liquidity.inject")}</option><option value="withdraw">${t("liquidity.withdraw")}</option></select></label>
          <label>${t("liquidity.amount")}<input name="amount" required inputmode="numeric" pattern="[0-9]+" size="14"></label>
          <button class="primary" type="submit">${t("liquidity.propose")}</button></form><div id="move-msg"></div></section>` : ""}
        ${isOperator() ? `<section class="panel"><h3>${t("acts.title")}</h3><div id="acts"></div><div id="acts-msg"></div><div id="four-eyes"></div></section>` : ""}
        ${mayOperate() || !isOperator() ? `<section class="panel"><h3>${t("limits.title")}</h3><p class="muted">${t("limits.help")}</p>
          ${(() => {
            const who = isOperator() ? `<label>${t("col.participant")}<input name="participant" required inputmode="numeric" pattern="[0-9]+" size="8"></label>` : "";
            const ledger = `<label>${t("col.ledger")}<select name="ledger">${ledgerOptions()}</select></label>`;
            const amount = (name, label) => `<label>${t(label)}<input name="${name}" required inputmode="numeric" pattern="[0-9]+" size="12"></label>`;
            return `<form id="set-reservation" class="inline">${who}${ledger}${amount("urgent_reserve", "limits.urgent_reserve")}${amount("high_reserve", "limits.high_reserve")}
                <button type="submit">${t("limits.reserve")}</button></form>
              <form id="set-sending-limit" class="inline">${who}${ledger}<label>${t("limits.counterparty")}<input name="counterparty" required inputmode="numeric" pattern="[0-9]+" size="8" value="0"></label>
                ${amount("limit", "limits.limit")}<button type="submit">${t("limits.set_limit")}</button></form>
              ${mayOperate() ? `<form id="set-credit-line" class="inline">${who}${ledger}${amount("limit", "limits.credit_line")}<button type="submit">${t("limits.set_credit_line")}</button></form>` : ""}`;
          })()}<div id="limits-msg"></div></section>` : ""}`;
      state.live = async () => {
        const parts = await participantsVisible();
        const rows = [];
        for (const p of parts) for (const a of p.accounts || [])
          rows.push(`<tr data-position="${p.id}-${a.ledger}"><td>${p.id} ${esc(p.name)}</td><td>${esc(currencyOf(a.ledger))}</td><td>${esc(a.account_id)}</td><td class="num" data-balance="${p.id}-${a.ledger}">${num(a.balance_minor)}</td>
            <td class="num" data-credit-line>${num(a.credit_line_minor)}</td><td class="num" data-reserves>${num(a.urgent_reserve_minor)} / ${num(a.high_reserve_minor)}</td>
            <td class="num" data-limit>${a.multilateral_limit_minor ? num(a.multilateral_limit_minor) : t("common.none")}</td><td class="num">${num(a.net_sent_today_minor)}</td>
            <td class="num">${num(a.queued_count)} / ${num(a.queued_minor)}</td></tr>`);
        setHtml($("#positions"), table(["col.participant", "col.currency", "col.account", { k: "col.balance", num: true }, { k: "col.credit_line", num: true },
          { k: "limits.reserves", num: true }, { k: "limits.multilateral", num: true }, { k: "limits.net_sent", num: true }, { k: "col.queued", num: true }], rows));
        if (isOperator()) await renderActs();
      };
    },

    async queues(main) {
      const parts = await participantsVisible();
      const options = [];
      for (const p of parts) for (const a of p.accounts || []) options.push(`<option value="${p.id}/${a.ledger}">${p.id} ${esc(p.name)} — ${esc(currencyOf(a.ledger))}</option>`);
      main.innerHTML = `<h2>${t("queues.title")}</h2><section class="panel"><form class="inline" id="queue-pick"><label>${t("queues.select")}
        <select id="queue-select" name="queue">${options.join("")}</select></label></form><div id="queue"></div><div id="queue-msg"></div></section>`;
      state.live = async () => {
        const sel = $("#queue-select");
        if (!sel || !sel.value) { setHtml($("#queue"), `<p>${t("queues.empty")}</p>`); return; }
        const r = await api("GET", "/v1/participants/" + sel.value.replace("/", "/queue/"));
        if (!r.ok) { setHtml($("#queue"), `<p>${esc(problem(r))}</p>`); return; }
        setHtml($("#queue"), r.data.length === 0 ? `<p>${t("queues.empty")}</p>` : table([{ k: "col.position", num: true }, "col.id", "col.payee", { k: "col.amount", num: true }, "col.priority", "col.actions"],
          r.data.map((p, i) => `<tr><td class="num">${i + 1}</td><td><a href="#/payments/${esc(p.id)}">${esc(p.id)}</a></td><td>${p.payee}</td><td class="num">${num(p.amount)}</td><td>${esc(t("priority." + p.priority))}</td>
            <td><button type="button" data-action="queue" data-op="move_to_front" data-id="${esc(p.id)}">${t("queues.front")}</button>
            <select aria-label="${t("col.priority")}" data-priority-for="${esc(p.id)}">${["urgent", "high", "normal"].map(x => `<option value="${x}"${x === p.priority ? " selected" : ""}>${t("priority." + x)}</option>`).join("")}</select>
            <button type="button" data-action="queue" data-op="change_priority" data-id="${esc(p.id)}">${t("queues.priority")}</button>
            <button type="button" data-action="queue" data-op="revoke" data-id="${esc(p.id)}">${t("queues.revoke")}</button></td></tr>`)));
      };
    },

    async compliance(main) {
      main.innerHTML = `<h2>${t("nav.compliance")}</h2><section class="panel"><h3>${t("compliance.holds")}</h3><div id="holds"></div><div id="holds-msg"></div></section>
        <section class="panel"><h3>${t("acts.title")}</h3><div id="acts"></div><div id="acts-msg"></div></section>
        <section class="panel"><h3>${t("lists.title")}</h3><div id="lists"></div>
          <form id="load-list" class="inline"><label>${t("col.name")}<input name="name" required maxlength="64"></label>
          <label>${t("lists.format")}<select name="format"><option value="csv">CSV</option><option value="xml">XML</option></select></label>
          <label>${t("lists.version")}<input name="version" required maxlength="64"></label>
          <label>${t("lists.file")}<input name="file" type="file" required accept=".csv,.xml,text/csv,text/xml,application/xml"></label>
          <button class="primary" type="submit">${t("lists.load")}</button></form><div id="lists-msg"></div></section>
        <section class="panel"><h3>${t("rules.title")}</h3><div id="rules"></div></section>
        <section class="panel"><h3>${t("compliance.audit")}</h3><div id="audit"></div></section>`;
      state.live = async () => {
        const lists = await api("GET", "/v1/compliance/watch-lists?history");
        setHtml($("#lists"), !lists.ok ? `<p>${esc(problem(lists))}</p>` : lists.data.length === 0 ? `<p>${t("lists.none")}</p>` :
          table(["col.name", "lists.version", "lists.format", { k: "lists.entries", num: true }, "lists.hash", "lists.loaded"], lists.data.map(l =>
            `<tr><td>${esc(l.name)}</td><td>${esc(l.version)}</td><td>${esc(l.format)}</td><td class="num">${num(l.entries)}</td><td><code>${esc(l.content_hash.slice(0, 16))}…</code></td>
             <td>${time(l.loaded_at)} (${l.loaded_by})</td></tr>`)));
        const rules = await api("GET", "/v1/compliance/rules");
        setHtml($("#rules"), !rules.ok ? `<p>${esc(problem(rules))}</p>` : rules.data.length === 0 ? `<p>${t("rules.none")}</p>` :
          table(["col.id", "col.participant", "rules.corridor", "rules.limits", "rules.blocked"], rules.data.map(r =>
            `<tr><td>${esc(r.id)}</td><td>${r.participant || t("rules.any")}</td>
             <td>${esc([r.source_country || "*", "→", r.destination_country || "*", ",", r.send_currency || "*", "→", r.receive_currency || "*"].join(" "))}</td>
             <td>${(r.limits || []).map(x => `${esc(x.currency)}: ${t("rules.hold_above")} ${num(x.hold_above)}, ${t("rules.reject_above")} ${num(x.reject_above)}`).join("<br>")}</td>
             <td>${esc([...(r.blocked_countries || []), ...(r.blocked_currencies || [])].join(", "))}</td></tr>`)));
        const holds = await api("GET", "/v1/compliance/holds");
        setHtml($("#holds"), !holds.ok ? `<p>${esc(problem(holds))}</p>` : holds.data.length === 0 ? `<p>${t("compliance.none")}</p>` :
          table(["col.id", "col.reason", "col.hits", "col.actions"], holds.data.map(h => `<tr data-hold="${esc(h.payment_id)}"><td><a href="#/payments/${esc(h.payment_id)}">${esc(h.payment_id)}</a></td>
            <td>${esc(h.reason)}</td><td>${h.hits.map(x => `${esc(x.matched_name)} (${x.score}, ${esc(x.watch_list)})`).join("<br>")}</td>
            <td><label>${t("compliance.reason")} <input data-reason-for="${esc(h.payment_id)}" maxlength="1000"></label>
            <button type="button" data-action="release" data-id="${esc(h.payment_id)}">${t("compliance.release")}</button>
            <button type="button" data-action="reject" data-id="${esc(h.payment_id)}">${t("compliance.reject")}</button></td></tr>`)));
        await renderActs();
        const audit = await api("GET", "/v1/compliance/audit");
        if (!audit.ok) { setHtml($("#audit"), `<p>${esc(problem(audit))}</p>`); return; }
        const a = audit.data;
        setHtml($("#audit"), `<p id="chain" class="msg ${a.chain_intact ? "ok" : "err"}">${a.chain_intact ? t("compliance.chain_ok") : t("compliance.chain_broken") + " " + a.first_broken_sequence}.
          ${t("compliance.head")}: <code>${esc(a.head)}</code></p>` + table(["#", "col.time", "col.operator", "col.operation", "col.subject", "col.detail", "col.result"],
          a.entries.slice(-50).reverse().map(e => `<tr><td>${e.sequence}</td><td>${time(e.time)}</td><td>${esc(e.operator_name || e.operator)}</td><td>${esc(e.operation)}</td>
            <td>${esc(e.subject)}</td><td>${esc(e.detail)}</td><td>${e.result}</td></tr>`)));
      };
    },

    async netting(main) {
      main.innerHTML = `<h2>${t("nav.netting")}</h2>
        ${mayOperate() ? `<section class="panel"><h3>${t("netting.open")}</h3><form id="open-window" class="inline">
          <label>${t("netting.window_id")}<input name="window_id" required inputmode="numeric" pattern="[0-9]+" size="8"></label>
          <label>${t("col.ledger")}<select name="ledger">${ledgerOptions()}</select></label>
          <label>${t("col.name")}<input name="name" required maxlength="64"></label>
          <button class="primary" type="submit">${t("netting.open_submit")}</button></form></section>` : ""}
        <section class="panel"><h3>${t("netting.windows")}</h3><div id="windows"></div><div id="window-msg"></div></section>
        ${mayOperate() ? `<section class="panel"><h3>${t("lsm.title")}</h3><p class="muted">${t("lsm.help")}</p><form id="run-lsm" class="inline">
          <label>${t("col.ledger")}<select name="ledger"><option value="0">${t("lsm.all")}</option>${ledgerOptions()}</select></label>
          <button class="primary" type="submit">${t("lsm.run")}</button></form><div id="lsm-result" aria-live="polite"></div></section>` : ""}`;
      state.live = async () => {
        const r = await api("GET", "/v1/netting-windows");
        setHtml($("#windows"), !r.ok ? `<p>${esc(problem(r))}</p>` : r.data.length === 0 ? `<p>${t("netting.none")}</p>` :
          table(["col.id", "col.name", "col.currency", "col.status", { k: "netting.payments", num: true }, { k: "netting.gross", num: true }, "netting.positions", "col.actions"], r.data.map(w =>
            `<tr data-window="${w.window_id}"><td>${w.window_id}</td><td>${esc(w.name)}</td><td>${esc(currencyOf(w.ledger))}</td><td>${esc(t("netting.status." + w.status))}</td>
             <td class="num">${num(w.payment_count)}</td><td class="num">${num(w.gross_minor)}</td>
             <td>${w.net_positions.map(n => `${n.participant}: ${num(n.net_minor)}`).join("<br>")}${w.excluded_participants.length ? `<br>${t("netting.excluded")}: ${w.excluded_participants.join(", ")}` : ""}</td>
             <td>${mayOperate() && w.status === "open" ? `<button type="button" data-action="close-window" data-id="${w.window_id}">${t("netting.close")}</button>` : ""}</td></tr>`)));
      };
    },

    async fx(main) {
      main.innerHTML = `<h2>${t("nav.fx")}</h2>
        <section class="panel"><h3>${t("fx.quotes")}</h3><div id="quotes"></div></section>
        <div class="two"><section class="panel"><h3>${t("fx.best")}</h3><form id="best-quote" class="inline">
          <label>${t("fx.from")}<input name="from" required maxlength="3" size="4"></label><label>${t("fx.to")}<input name="to" required maxlength="3" size="4"></label>
          <label>${t("fx.source_amount")}<input name="amount" required inputmode="numeric" pattern="[0-9]+" size="10"></label>
          <button class="primary" type="submit">${t("payments.find")}</button></form><div id="best-result" aria-live="polite"></div></section>
        <section class="panel"><h3>${t("fx.lock")}</h3><form id="lock-lookup" class="inline"><label>${t("fx.lock_id")}<input name="id" required maxlength="40"></label>
          <button class="primary" type="submit">${t("payments.find")}</button></form><div id="lock-result" aria-live="polite"></div></section></div>
        <section class="panel"><h3>${t("fx.locks")}</h3><div id="locks"></div></section>
        <section class="panel"><h3>${t("fx.payments")}</h3><p class="muted">${t("fx.payments.help")}</p><div id="pvp"></div></section>
        <section class="panel"><h3>${t("fx.trades")}</h3><p class="muted">${t("fx.trades.help")}</p><div id="trades"></div></section>`;
      state.live = async () => {
        const q = await api("GET", "/v1/fx/quotes?limit=100");
        setHtml($("#quotes"), !q.ok ? `<p>${esc(problem(q))}</p>` : q.data.length === 0 ? `<p>${t("fx.no_quotes")}</p>` :
          table(["col.id", "fx.provider", "fx.pair", { k: "fx.rate", num: true }, { k: "fx.limits", num: true }, "fx.valid_until", "col.status"], q.data.map(x =>
            `<tr><td>${esc(x.id)}</td><td>${x.provider}</td><td>${esc(x.source_currency)} → ${esc(x.destination_currency)}</td><td class="num">${rate(x.rate)}</td>
             <td class="num">${num(x.min_source_amount)} – ${num(x.max_source_amount)}</td><td>${time(x.valid_until_ns)}</td><td>${esc(t("fx.status." + x.status))}</td></tr>`)));
        const l = await api("GET", "/v1/fx/locks?limit=50");
        setHtml($("#locks"), !l.ok ? `<p>${esc(problem(l))}</p>` : l.data.length === 0 ? `<p>${t("fx.no_locks")}</p>` :
          table(["col.id", "fx.quote", "col.payer", { k: "fx.pays", num: true }, { k: "fx.receives", num: true }, "fx.expires", "col.status", "fx.payment"], l.data.map(x =>
            `<tr><td>${esc(x.id)}</td><td>${esc(x.quote_id)}</td><td>${x.payer}</td><td class="num">${num(x.source_amount)} ${esc(currencyOf(x.source_ledger))}</td>
             <td class="num">${num(x.destination_amount)} ${esc(currencyOf(x.destination_ledger))}</td><td>${time(x.expires_at)}</td>
             <td>${esc(t("lock.status." + x.status))}${x.reason ? " — " + esc(x.reason) : ""}</td><td>${x.payment_id ? `<a href="#/payments/${esc(x.payment_id)}">${esc(x.payment_id)}</a>` : ""}</td></tr>`)));
        const p = await api("GET", "/v1/payments?kind=pvp&limit=100");
        setHtml($("#pvp"), !p.ok ? `<p>${esc(problem(p))}</p>` : paymentTable(p.data));
        const tr = await api("GET", "/v1/fx/trades?limit=50");
        setHtml($("#trades"), !tr.ok ? `<p>${esc(problem(tr))}</p>` : tr.data.length === 0 ? `<p>${t("fx.no_trades")}</p>` :
          table(["col.id", "fx.party_a", "fx.party_b", { k: "fx.a_pays", num: true }, { k: "fx.b_pays", num: true }, "fx.submitted", "col.status"], tr.data.map(x =>
            `<tr><td>${esc(x.id)}</td><td>${x.party_a}</td><td>${x.party_b}</td><td class="num">${num(x.amount_a)} ${esc(x.currency_a)}</td>
             <td class="num">${num(x.amount_b)} ${esc(x.currency_b)}</td><td>${time(x.submitted_at)}</td>
             <td>${esc(t("trade.status." + x.status))}${x.reason ? " — " + esc(x.reason) : ""}</td></tr>`)));
      };
    },

    async day(main) {
      const parts = await participantsVisible();
      const accounts = [];
      for (const p of parts) for (const a of p.accounts || []) accounts.push(`<option value="${esc(a.account_id)}">${p.id} ${esc(p.name)} — ${esc(currencyOf(a.ledger))} ${esc(a.account_id)}</option>`);
      const today = new Date().toISOString().slice(0, 10);
      const schedule = (await api("GET", "/v1/day/schedule")).data || {};
      main.innerHTML = `<h2>${t("day.title")}</h2><section class="panel"><div id="day-status" class="tiles"></div></section>
        ${mayOperate() ? `<section class="panel"><form id="open-day" class="inline"><label>${t("day.date")}<input name="date" type="date" required value="${today}"></label>
          <button class="primary" type="submit">${t("day.open")}</button></form>
          <form id="day-phase" class="inline"><label>${t("day.phase")}<select name="phase">${["customer_cutoff", "interbank_cutoff", "end_of_day"].map(p => `<option value="${p}">${t("phase." + p)}</option>`).join("")}</select></label>
          <button type="submit">${t("day.phase")}</button></form><div id="day-msg"></div></section>` : ""}
        <section class="panel"><h3>${t("cutoff.title")}</h3><div id="day-cutoffs" class="tiles"></div>
          ${mayOperate() ? `<form id="day-schedule" class="inline">${["customer_cutoff", "interbank_cutoff", "end_of_day"].map(p =>
            `<label>${t("phase." + p)}<input name="${p}" type="time" step="1" required value="${esc(schedule[p] || "")}"></label>`).join("")}
            <label>${t("cutoff.utc_offset")}<input name="utc_offset" required size="6" value="${esc(schedule.utc_offset || browserOffset())}"></label>
            <button class="primary" type="submit" name="do" value="save">${t("cutoff.save")}</button>
            <button type="submit" name="do" value="remove" formnovalidate>${t("cutoff.remove")}</button></form><div id="schedule-msg"></div>` : ""}</section>
        <section class="panel"><h3>${t("day.statements")}</h3><form id="statement" class="inline"><label>${t("day.statement_date")}<input name="date" type="date" required value="${today}"></label>
          <label>${t("day.statement_account")}<select name="account">${accounts.join("")}</select></label>
          <button type="submit" name="format" value="csv">${t("day.csv")}</button><button type="submit" name="format" value="camt053">${t("day.camt053")}</button></form><div id="statement-msg"></div></section>`;
      state.live = async () => {
        const day = (await api("GET", "/v1/day")).data;
        setHtml($("#day-status"), [["overview.date", day.business_date || t("common.none")], ["overview.phase", t("phase." + day.phase)], ["overview.since", time(day.phase_since)]]
          .map(([k, v]) => `<div class="tile"><div class="k">${esc(t(k))}</div><div class="v">${esc(v)}</div></div>`).join(""));
        setHtml($("#day-cutoffs"), cutoffTiles(day));
        countdowns();
      };
    },
  };

  async function renderActs() {
    const acts = await api("GET", "/v1/operator-acts");
    if (!acts.ok) { setHtml($("#acts"), `<p>${esc(problem(acts))}</p>`); return; }
    setHtml($("#acts"), acts.data.length === 0 ? `<p>${t("acts.none")}</p>` : table(["col.id", "col.what", "col.proposed_by", "col.actions"], acts.data.map(a =>
      `<tr data-act="${esc(a.id)}"><td>${esc(a.id)}</td><td>${a.kind === "move_liquidity"
        ? `${esc(t("liquidity." + a.direction))} ${num(a.amount)} ${esc(currencyOf(a.ledger))} → ${a.participant}`
        : `${esc(t("compliance.release"))} <a href="#/payments/${esc(a.payment_id)}">${esc(a.payment_id)}</a>: ${esc(a.reason)}`}</td>
        <td>${esc(a.proposed_by_name || a.proposed_by)}</td>
        <td><button type="button" data-action="approve" data-id="${esc(a.id)}">${t("acts.approve")}</button>
        <button type="button" data-action="decline" data-id="${esc(a.id)}">${t("acts.decline")}</button></td></tr>`)));
    const policy = $("#four-eyes");
    if (policy) {
      const p = await api("GET", "/v1/four-eyes");
      setHtml(policy, p.ok && p.data.required ? `<p class="muted">${t("acts.four_eyes")}</p>`
        : `<p class="muted">${t("acts.four_eyes.off")}</p>${role() === "administrator" ? `<button type="button" data-action="four-eyes">${t("acts.four_eyes.require")}</button>` : ""}`);
    }
  }

  async function paymentPage(main, id) {
    main.innerHTML = `<h2>${t("payment.title")} <code>${esc(id)}</code></h2><p><a href="#/payments">${t("payment.back")}</a></p><div id="payment"></div>`;
    state.live = async () => {
      const r = await api("GET", "/v1/payments/" + encodeURIComponent(id));
      if (!r.ok) { setHtml($("#payment"), `<p class="msg err">${esc(problem(r))}</p>`); return; }
      const p = r.data;
      const archived = await api("GET", "/v1/payments/" + encodeURIComponent(id) + "/messages");
      const messages = archived.ok ? archived.data : [];
      const steps = ["submitted", p.compliance ? "held" : null, p.status === "queued" || p.status === "settled" && p.compliance ? "queued" : null, p.status].filter((x, i, a) => x && a.indexOf(x) === i);
      const party = x => !x ? `<p>${t("common.none")}</p>` : `<dl class="kv"><dt>${t("col.name")}</dt><dd>${esc(x.name)}</dd><dt>${t("col.account")}</dt><dd>${esc(x.account)}</dd>
        <dt>${t("col.bic")}</dt><dd>${esc(x.id_scheme === "bic" ? x.identifier : "")}</dd><dt>${t("col.detail")}</dt><dd>${esc([x.street_name, x.building_number, x.post_code, x.town_name, x.country].filter(Boolean).join(", "))}</dd></dl>`;
      setHtml($("#payment"), `<section class="panel"><h3>${t("payment.lifecycle")}</h3><ol class="lifecycle">${steps.map((s, i) => `<li class="${i === steps.length - 1 ? "current" : "done"}">${esc(s)}</li>`).join("")}</ol>
        <dl class="kv"><dt>${t("col.status")}</dt><dd>${statusCell(p.status)}${p.reason ? " — " + esc(p.reason) : ""}</dd><dt>${t("col.amount")}</dt><dd>${num(p.amount)} ${esc(currencyOf(p.ledger))}</dd>
        <dt>${t("col.payer")}</dt><dd>${p.payer}</dd><dt>${t("col.payee")}</dt><dd>${p.payee}</dd><dt>${t("col.priority")}</dt><dd>${esc(p.priority)}</dd><dt>${t("col.kind")}</dt><dd>${esc(p.kind)}</dd>
        <dt>${t("payment.submitted")}</dt><dd>${time(p.submitted_at)}</dd><dt>${t("payment.final")}</dt><dd>${time(p.final_at)}</dd>
        ${p.final_batch ? `<dt>${t("payment.batch")}</dt><dd id="final-batch">#${p.final_batch.sequence} ${time(p.final_batch.time)} <code title="${esc(p.final_batch.hash)}">${esc(p.final_batch.hash.slice(0, 16))}…</code></dd>` : ""}</dl></section>
        <div class="two"><section class="panel"><h3>${t("payment.originator")}</h3>${party(p.originator)}</section><section class="panel"><h3>${t("payment.beneficiary")}</h3>${party(p.beneficiary)}</section></div>
        <div class="two"><section class="panel"><h3>${t("payment.trade")}</h3>${kv(p.trade_reference)}</section><section class="panel"><h3>${t("payment.references")}</h3>${kv(p.references)}</section></div>
        <section class="panel"><h3>${t("payment.iso")}</h3><p class="muted">${t("payment.iso.help")}</p>
          <div id="iso-messages">${messages.length === 0 ? `<p>${t("payment.no_messages")}</p>` : table(["payment.direction", "payment.message", "MsgId", "col.time", { k: "payment.bytes", num: true }, "col.actions"],
            messages.map(m => `<tr data-message="${m.id}"><td>${esc(t("payment.direction." + m.direction))}</td><td>${esc(m.definition)}</td><td>${esc(m.msg_id)}</td><td>${time(m.at)}</td>
              <td class="num">${num(m.bytes)}</td><td><button type="button" data-action="iso-message" data-id="${esc(id)}" data-message="${m.id}" data-name="${esc(m.definition)}">${t("payment.show")}</button></td></tr>`))}</div>
          <button type="button" data-action="pacs002" data-id="${esc(id)}">${t("payment.pacs002")}</button><div id="pacs002"></div></section>
        ${p.compliance ? `<section class="panel"><h3>${t("payment.compliance")}</h3>${kv({ status: p.compliance.status, reason: p.compliance.reason, decided_by: p.compliance.decided_by, decision_reason: p.compliance.decision_reason })}</section>` : ""}`);
    };
  }

  // ───── forms and actions ─────
  const forms = {
    async signin(f) {
      const ok = await signIn(f.get("token"));
      if (!ok) { msg($("#signin-msg"), false, t("signin.failed")); state.token = null; return; }
      if (!location.hash) location.hash = "#/overview"; else await render();
    },
    async "pay-search"(f) {
      const by = f.get("by"), value = f.get("value").trim();
      const out = $("#pay-results");
      if (by === "id") { location.hash = "#/payments/" + encodeURIComponent(value); return; }
      const r = await api("GET", `/v1/payments?${by}=${encodeURIComponent(value)}`);
      if (!r.ok) { msg(out, false, problem(r)); return; }
      out.innerHTML = paymentTable(r.data);
    },
    async "pay-list"(f) {
      const query = new URLSearchParams();
      for (const k of ["status", "date", "party", "kind"]) if (f.get(k).trim()) query.set(k, f.get(k).trim());
      const out = $("#pay-list-results");
      if ([...query.keys()].length === 0) { msg(out, false, t("payments.filter_needed")); return; }
      state.listQuery = query.toString();
      await listPayments(out, null);
    },
    async "add-participant"(f) {
      const body = { id: Number(f.get("id")), name: f.get("name"), role: f.get("role") };
      if (f.get("bic")) body.bic = f.get("bic");
      const r = await api("POST", "/v1/participants", body);
      const out = $("#add-msg");
      if (!r.ok) { msg(out, false, problem(r)); return; }
      out.innerHTML = `<p class="msg ok" role="status">${t("participants.added")}</p><p class="token" id="new-token">${esc(r.data.token)}</p>`;
      await tick();
    },
    async "move-liquidity"(f) {
      const body = { id: randomId(), kind: "move_liquidity", transfer_id: randomId(), participant: Number(f.get("participant")), ledger: Number(f.get("ledger")),
        amount: Number(f.get("amount")), direction: f.get("direction") };
      const r = await api("POST", "/v1/operator-acts", body);
      if (r.ok) msg($("#move-msg"), true, t("liquidity.proposed") + " " + r.data.id); else msg($("#move-msg"), false, problem(r));
      await tick();
    },
    async "set-reservation"(f) {
      await limitsCall("/v1/reservations", { participant: actingFor(f), ledger: Number(f.get("ledger")), urgent_reserve: Number(f.get("urgent_reserve")), high_reserve: Number(f.get("high_reserve")) });
    },
    async "set-sending-limit"(f) {
      await limitsCall("/v1/sending-limits", { participant: actingFor(f), ledger: Number(f.get("ledger")), counterparty: Number(f.get("counterparty")), limit: Number(f.get("limit")) });
    },
    async "set-credit-line"(f) {
      await limitsCall("/v1/credit-lines", { transfer_id: randomId(), participant: actingFor(f), ledger: Number(f.get("ledger")), limit: Number(f.get("limit")) });
    },
    async "open-window"(f) {
      const r = await api("POST", "/v1/netting-windows", { window_id: Number(f.get("window_id")), ledger: Number(f.get("ledger")), name: f.get("name") });
      if (r.ok) msg($("#window-msg"), true, t("common.ok")); else msg($("#window-msg"), false, problem(r));
      await tick();
    },
    async "run-lsm"(f) {
      const r = await api("POST", "/v1/lsm/runs", { ledger: Number(f.get("ledger")) });
      const out = $("#lsm-result");
      if (!r.ok) { msg(out, false, problem(r)); return; }
      out.innerHTML = table(["col.currency", { k: "lsm.candidates", num: true }, { k: "lsm.settled", num: true }, { k: "lsm.settled_amount", num: true }], r.data.map(x =>
        `<tr><td>${esc(currencyOf(x.ledger))}</td><td class="num">${num(x.candidate_payments)}</td><td class="num">${num(x.settled_payments)}</td><td class="num">${num(x.settled_minor)}</td></tr>`));
      await tick();
    },
    async "best-quote"(f) {
      const r = await api("GET", `/v1/fx/quotes/best?from=${encodeURIComponent(f.get("from").trim().toUpperCase())}&to=${encodeURIComponent(f.get("to").trim().toUpperCase())}&source_amount=${encodeURIComponent(f.get("amount"))}`);
      const out = $("#best-result");
      if (!r.ok) { msg(out, false, problem(r)); return; }
      out.innerHTML = `<dl class="kv"><dt>${t("fx.quote")}</dt><dd>${esc(r.data.quote_id)}</dd><dt>${t("fx.provider")}</dt><dd>${r.data.provider}</dd><dt>${t("fx.rate")}</dt><dd>${rate(r.data.rate)}</dd>
        <dt>${t("fx.pays")}</dt><dd>${num(r.data.source_amount)}</dd><dt>${t("fx.receives")}</dt><dd>${num(r.data.destination_amount)}</dd><dt>${t("fx.valid_until")}</dt><dd>${time(r.data.valid_until_ns)}</dd></dl>`;
    },
    async "lock-lookup"(f) {
      const r = await api("GET", "/v1/fx/locks/" + encodeURIComponent(f.get("id").trim()));
      const out = $("#lock-result");
      if (!r.ok) { msg(out, false, problem(r)); return; }
      out.innerHTML = kv(r.data);
    },
    async "load-list"(f) {
      const file = f.get("file");
      const r = await api("POST", "/v1/compliance/watch-lists", { name: f.get("name"), format: f.get("format"), version: f.get("version"), content: await file.text() });
      if (r.ok) msg($("#lists-msg"), true, `${t("lists.loaded_ok")} ${r.data.entries}`); else msg($("#lists-msg"), false, problem(r));
      await tick();
    },
    async "open-day"(f) { await dayCall("/v1/day/open", { business_date: f.get("date") }); },
    async "day-phase"(f) { await dayCall("/v1/day/phase", { phase: f.get("phase") }); },
    async "day-schedule"(f, submitter) {
      const body = submitter && submitter.value === "remove" ? {}
        : { customer_cutoff: f.get("customer_cutoff"), interbank_cutoff: f.get("interbank_cutoff"), end_of_day: f.get("end_of_day"), utc_offset: f.get("utc_offset") };
      const r = await api("PUT", "/v1/day/schedule", body);
      await loadOffset();
      if (r.ok) msg($("#schedule-msg"), true, r.data.scheduled ? t("common.ok") : t("cutoff.none")); else msg($("#schedule-msg"), false, problem(r));
      await tick();
    },
    async statement(f, submitter) {
      const date = f.get("date"), account = f.get("account"), format = submitter ? submitter.value : "csv";
      const out = $("#statement-msg");
      if (format === "camt053") {
        const r = await api("GET", `/v1/iso20022/camt053/${date}/${encodeURIComponent(account)}`);
        if (!r.ok) { msg(out, false, problem(r)); return; }
        download(`camt053-${date}-${account}.xml`, "application/xml", r.data);
      } else {
        const r = await api("GET", `/v1/statements/${date}/${encodeURIComponent(account)}`);
        if (!r.ok) { msg(out, false, problem(r)); return; }
        const s = r.data;
        const lines = ["business_date,account_id,transfer_id,payment_id,credit,amount,counterparty,timestamp"]
          .concat(s.entries.map(e => [s.business_date, s.account_id, e.transfer_id, e.payment_id, e.is_credit, e.amount, e.counterparty, e.timestamp].join(",")));
        lines.push(`opening,${s.opening_balance_minor},closing,${s.closing_balance_minor}`);
        download(`statement-${date}-${account}.csv`, "text/csv", lines.join("\n") + "\n");
      }
      msg(out, true, t("common.ok"));
    },
  };

  const STATUSES = ["settled", "queued", "held", "scheduled", "in_window", "rejected", "revoked", "failed"];
  const paymentTable = rows => rows.length === 0 ? `<p>${t("payments.none")}</p>` : table(["col.id", "col.kind", "col.status", "col.payer", "col.payee", { k: "col.amount", num: true }, "col.parties", "col.invoice"],
    rows.map(p => `<tr><td><a href="#/payments/${esc(p.id)}">${esc(p.id)}</a></td><td>${esc(t("kind." + p.kind))}</td><td>${statusCell(p.status)}</td><td>${p.payer}</td><td>${p.payee}</td>
      <td class="num">${num(p.amount)} ${esc(currencyOf(p.ledger))}</td><td>${esc([p.originator_name, p.beneficiary_name].filter(Boolean).join(" → "))}</td><td>${esc(p.invoice_number || "")}</td></tr>`));

  // One page of GET /v1/payments?status=&date=&party=&kind= (oldest first); "more" asks for the page after the cursor.
  async function listPayments(out, after) {
    const r = await api("GET", "/v1/payments?" + state.listQuery + (after ? "&after=" + encodeURIComponent(after) : ""));
    if (!r.ok) { msg(out, false, problem(r)); return; }
    const rows = (after ? state.listRows : []).concat(r.data);
    state.listRows = rows;
    out.innerHTML = paymentTable(rows) + (r.next ? `<p><button type="button" data-action="more-payments" data-after="${esc(r.next)}">${t("payments.more")}</button></p>` : "");
  }

  // Each scheduled cut-off of the day with its time (at the schedule's UTC offset) and a countdown that countdowns() keeps current every second.
  const cutoffTiles = day => !day.cutoffs || day.cutoffs.length === 0 ? `<p>${t("cutoff.none")}</p>` : day.cutoffs.map(c =>
    `<div class="tile" data-cutoff="${esc(c.phase)}"><div class="k">${esc(t("phase." + c.phase))}</div><div class="v">${esc(atOffset(Date.parse(c.at)))}
      <span class="countdown" data-countdown-at="${esc(c.at)}"></span></div></div>`).join("");
  function countdowns() {
    for (const el of document.querySelectorAll("[data-countdown-at]")) {
      const s = Math.ceil((Date.parse(el.dataset.countdownAt) - Date.now()) / 1000);
      const text = s <= 0 ? t("cutoff.passed") : `${t("cutoff.in")} ${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
      if (el.textContent !== text) el.textContent = text;
    }
  }
  setInterval(countdowns, 1000);
  // "+03:00" → 180; null when the node has no schedule (times then stay in UTC).
  async function loadOffset() {
    const r = await api("GET", "/v1/day/schedule");
    const m = r.ok && r.data.scheduled && /^([+-])(\d{2}):(\d{2})$/.exec(r.data.utc_offset || "");
    state.offsetMinutes = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
  }
  const browserOffset = () => { const m = -new Date().getTimezoneOffset(); return (m < 0 ? "-" : "+") + String(Math.floor(Math.abs(m) / 60)).padStart(2, "0") + ":" + String(Math.abs(m) % 60).padStart(2, "0"); };

  // The participant a limits form acts for: the one named (operator users) or the signed-in participant itself.
  const actingFor = f => isOperator() ? Number(f.get("participant")) : Number(state.who.id);
  async function limitsCall(path, body) {
    const r = await api("POST", path, body);
    if (r.ok) msg($("#limits-msg"), true, t("common.ok")); else msg($("#limits-msg"), false, problem(r));
    await tick();
  }

  async function dayCall(path, body) {
    const r = await api("POST", path, body);
    if (r.ok) msg($("#day-msg"), true, t("common.ok")); else msg($("#day-msg"), false, problem(r));
    await tick();
  }

  function download(name, type, text) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }

  const actions = {
    async "more-payments"(b) { await listPayments($("#pay-list-results"), b.dataset.after); },
    // The payment's pacs.002 as it stands now (GET /v1/iso20022/pacs002/{id}): its status and reason shown, the message itself shown and downloadable.
    // One archived message of the payment (the one it came in, or an answer), shown and downloaded as the node holds it.
    async "iso-message"(b) {
      const r = await api("GET", `/v1/payments/${encodeURIComponent(b.dataset.id)}/messages/${encodeURIComponent(b.dataset.message)}`);
      const out = $("#pacs002");
      if (!r.ok) { msg(out, false, problem(r)); return; }
      out.innerHTML = `<pre class="xml" id="iso-message-body">${esc(r.data)}</pre>`;
      download(`${b.dataset.name}-${b.dataset.message}.xml`, "application/xml", r.data);
    },
    async pacs002(b) {
      const r = await api("GET", "/v1/iso20022/pacs002/" + encodeURIComponent(b.dataset.id));
      const out = $("#pacs002");
      if (!r.ok) { msg(out, false, problem(r)); return; }
      const doc = new DOMParser().parseFromString(r.data, "application/xml");
      const text = name => { const el = doc.getElementsByTagNameNS("*", name)[0]; return el ? el.textContent : ""; };
      out.innerHTML = `<dl class="kv" id="pacs002-status"><dt>TxSts</dt><dd>${esc(text("TxSts"))}</dd>${text("Cd") ? `<dt>${t("col.reason")}</dt><dd>${esc(text("Cd"))} ${esc(text("AddtlInf"))}</dd>` : ""}
        <dt>MsgId</dt><dd>${esc(text("MsgId"))}</dd></dl><pre class="xml">${esc(r.data)}</pre>`;
      download(`pacs002-${b.dataset.id}.xml`, "application/xml", r.data);
    },
    async "close-window"(b) {
      const r = await api("POST", `/v1/netting-windows/${encodeURIComponent(b.dataset.id)}/close`);
      if (r.ok) msg($("#window-msg"), true, t("common.ok")); else msg($("#window-msg"), false, problem(r));
      await tick();
    },
    async status(b) {
      const r = await api("POST", `/v1/participants/${b.dataset.id}/status`, { status: b.dataset.status });
      if (!r.ok) msg($("#participants-msg"), false, problem(r));
      await tick();
    },
    async approve(b) { await decideAct(b.dataset.id, "approve"); },
    async decline(b) { await decideAct(b.dataset.id, "decline"); },
    async "four-eyes"() { await api("POST", "/v1/four-eyes", { required: true }); await tick(); },
    async release(b) {
      const reason = ($(`[data-reason-for="${CSS.escape(b.dataset.id)}"]`) || {}).value || "";
      const r = await api("POST", "/v1/operator-acts", { id: randomId(), kind: "release_hold", payment_id: b.dataset.id, reason });
      if (r.ok) msg($("#holds-msg"), true, t("liquidity.proposed") + " " + r.data.id); else msg($("#holds-msg"), false, problem(r));
      await tick();
    },
    async reject(b) {
      const reason = ($(`[data-reason-for="${CSS.escape(b.dataset.id)}"]`) || {}).value || "";
      const r = await api("POST", `/v1/compliance/holds/${encodeURIComponent(b.dataset.id)}/reject`, { reason });
      if (r.ok) msg($("#holds-msg"), true, t("common.ok")); else msg($("#holds-msg"), false, problem(r));
      await tick();
    },
    // A queue action is asked first and done only once confirmed (focus moves to the confirmation, so it works from the keyboard).
    async queue(b) {
      const priority = b.dataset.op === "change_priority" ? $(`[data-priority-for="${CSS.escape(b.dataset.id)}"]`).value : "";
      const what = t("queues.confirm." + b.dataset.op) + " " + b.dataset.id + (priority ? " → " + t("priority." + priority) : "") + "?";
      $("#queue-msg").innerHTML = `<div class="confirm" role="alertdialog" aria-label="${esc(what)}"><p>${esc(what)}</p>
        <button type="button" class="primary" data-action="queue-confirm" data-op="${esc(b.dataset.op)}" data-id="${esc(b.dataset.id)}" data-priority="${esc(priority)}">${t("queues.confirm")}</button>
        <button type="button" data-action="queue-cancel">${t("queues.cancel")}</button></div>`;
      $("#queue-msg button[data-action=queue-confirm]").focus();
    },
    async "queue-confirm"(b) {
      const body = { action: b.dataset.op };
      if (b.dataset.priority) body.new_priority = b.dataset.priority;
      const r = await api("POST", `/v1/payments/${encodeURIComponent(b.dataset.id)}/actions`, body);
      if (r.ok) msg($("#queue-msg"), true, t("common.ok")); else msg($("#queue-msg"), false, problem(r));
      await tick();
    },
    async "queue-cancel"() { $("#queue-msg").innerHTML = ""; },
  };

  async function decideAct(id, decision) {
    const r = await api("POST", `/v1/operator-acts/${encodeURIComponent(id)}/${decision}`, { reason: "" });
    const out = $("#acts-msg");
    if (r.ok) msg(out, true, t(decision === "approve" ? "acts.approved" : "acts.declined")); else msg(out, false, problem(r));
    await tick();
  }

  // ───── wiring ─────
  document.addEventListener("DOMContentLoaded", async () => {
    $("#lang").addEventListener("change", e => { state.lang = e.target.value; localStorage.setItem("corridor.lang", state.lang); render(); });
    $("#signout").addEventListener("click", signOut);
    document.addEventListener("submit", async e => {
      const handler = forms[e.target.getAttribute("id")]; // not e.target.id: a form's input named "id" shadows it
      if (!handler) return;
      e.preventDefault();
      await handler(new FormData(e.target), e.submitter);
    });
    document.addEventListener("click", async e => {
      const b = e.target.closest("button[data-action]");
      if (b && actions[b.dataset.action]) { e.preventDefault(); await actions[b.dataset.action](b); }
    });
    document.addEventListener("change", e => { if (e.target.id === "queue-select") tick(); });
    // Focus moves to the new screen's heading once it has rendered, unless the user has moved it meanwhile (a keyboard user who
    // tabs on while a slow screen loads keeps their place; the link they followed is gone with the old navigation).
    window.addEventListener("hashchange", async () => {
      const before = document.activeElement;
      await render();
      const now = document.activeElement;
      if (now && now !== before && now !== document.body) return;
      const h = $("#main h2"); if (h) { h.tabIndex = -1; h.focus(); }
    });
    const saved = sessionStorage.getItem("corridor.token");
    if (saved && !(await signIn(saved))) sessionStorage.removeItem("corridor.token");
    await render();
  });
})();
