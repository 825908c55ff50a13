// Agent desk: state from the PBX, screen-pops (R5) with the queue's greeting (R3), wrap-up
// into orders, complaints and promised call-backs (R6). No build step: plain browser JS.
"use strict";

const I18N = {
  zh: {
    title: "坐席工作台", ready: "就绪", pause: "暂停", logoutQueues: "签出", signOut: "退出",
    screenPop: "来电弹屏", waiting: "等待来电…", wrapup: "话后处理", today: "今日数据",
    callbacks: "待回电", username: "用户名", password: "密码", signIn: "登录",
    logged_out: "未签入", available: "空闲", ringing: "振铃中", on_call: "通话中",
    wrap_up: "话后处理", paused: "暂停", connected: "已连接", disconnected: "连接中断",
    greeting: "请致问候语", caller: "来电号码", vip: "VIP", products: "产品与保修",
    model: "型号", serial: "序列号", warranty: "保修至", inWarranty: "保内", outWarranty: "保外",
    openOrders: "未结工单", openComplaints: "未结投诉", lastCalls: "最近来电",
    surveys: "最近回访评分", none: "无", newCustomer: "新客户", name: "姓名", phone: "电话",
    language: "语言", save: "保存", several: "该号码对应多位客户,请确认来电人:",
    unknown: "未知号码:请登记新客户", dial: "外呼", transfer: "转接", note: "备注",
    classification: "来电分类", consultation: "咨询", repair_request: "报修",
    complaint_general: "一般投诉", complaint_major: "重大投诉", subject: "投诉主题",
    content: "投诉内容", crises: "危机事件", product: "产品", serviceClass: "服务类别",
    description: "故障描述", callback: "承诺回电", dueAt: "回电时间", submit: "提交并结束话后",
    done: "完成", queueTime: "排队", talk: "通话", callsTaken: "接听", avgRings: "平均振铃声",
    rangOut: "未接", withdrawn_caller_left: "来电已挂断", withdrawn_answered_elsewhere: "已被其他坐席接听",
    withdrawn_rang_out: "振铃超时", withdrawn_call_ended: "通话已结束", withdrawn_rejected: "未接通",
    answered: "通话中", ended: "已结束", complaintSaved: "投诉已登记,编号", orderSaved: "工单已登记,编号",
    callbackSaved: "回电已安排", wrapSaved: "话后已保存", due: "期限", status: "状态",
    pickQueues: "选择队列", transferTo: "转接给", othersFree: "该队列另有空闲坐席,可能先接到此来电:", noAgent: "此账号尚未关联坐席:请管理员在账号设置中为它指定坐席编号(agent_id),然后重新登录。",
    selectPause: "暂停原因", break: "小休", lunch: "用餐", training: "培训", meeting: "会议",
    backoffice: "后台工作", "wrap-up": "话后处理", on_time: "正常", due_soon: "即将到期",
    overdue: "已超期", met: "已完成", missed: "超期完成", from: "来自", customer: "客户",
    A: "A 有偿", B: "B 合同", C: "C 保内免费", D: "D 内部", injury: "人身伤害",
    property_loss: "财产损失", unsafe_repair: "维修不安全", fraud: "欺诈",
    media_or_consumer_association: "媒体/消协", timeLeft: "剩余", time: "时间", outcome: "结果", ratingItems: "态度 / 技能 / 准时 / 守信",
    myQueues: "我的队列", wrapupTime: "话后时长", registered: "已登记", dispatched: "已派工",
    on_site: "已上门", completed: "已完成", returned: "已返还", closed: "已关闭", cancelled: "已取消",
    pending: "待处理", in_progress: "处理中", resolved: "已解决", lang_zh: "普通话", lang_yue: "粤语",
    lang_en: "英语", lang_wuu: "吴语", lang_nan: "闽南语", idleHint: "就绪后,来电振铃时客户资料将自动弹出。",
    closed_logged_out: "您已退出登录(可能在另一个页面)。", closed_password_changed: "您的密码已更改。",
    closed_deactivated: "您的账号已被停用。", closed_role_changed: "您的角色已被更改。",
    closed_agent_changed: "您的坐席绑定已被更改。", sessionEnded: "请重新登录。",
    accessWithdrawn: "工作台已关闭,来电资料不再推送。如有疑问请联系管理员。",
  },
  en: {
    title: "Agent desk", ready: "Ready", pause: "Pause", logoutQueues: "Log out", signOut: "Sign out",
    screenPop: "Screen-pop", waiting: "Waiting for a call…", wrapup: "Wrap-up", today: "Today",
    callbacks: "Call-backs", username: "Username", password: "Password", signIn: "Sign in",
    logged_out: "Logged out", available: "Available", ringing: "Ringing", on_call: "On call",
    wrap_up: "Wrap-up", paused: "Paused", connected: "Connected", disconnected: "Reconnecting",
    greeting: "Greeting to say", caller: "Caller", vip: "VIP", products: "Products & warranty",
    model: "Model", serial: "Serial", warranty: "Warranty to", inWarranty: "In warranty",
    outWarranty: "Expired", openOrders: "Open service orders", openComplaints: "Open complaints",
    lastCalls: "Last calls", surveys: "Last survey ratings", none: "None",
    newCustomer: "New customer", name: "Name", phone: "Phone", language: "Language", save: "Save",
    several: "Several customers share this number — who is calling?",
    unknown: "Unknown number: register the caller", dial: "Call", transfer: "Transfer",
    note: "Note", classification: "Classification", consultation: "Consultation",
    repair_request: "Repair request", complaint_general: "Complaint (general)",
    complaint_major: "Complaint (major)", subject: "Subject", content: "Details",
    crises: "Crisis events", product: "Product", serviceClass: "Service class",
    description: "Fault description", callback: "Promise a call-back", dueAt: "Call back at",
    submit: "Submit and end wrap-up", done: "Done", queueTime: "Queue", talk: "Talk",
    callsTaken: "Calls taken", avgRings: "Avg rings", rangOut: "Rang out",
    withdrawn_caller_left: "Caller hung up", withdrawn_answered_elsewhere: "Answered by a colleague",
    withdrawn_rang_out: "Rang out", withdrawn_call_ended: "Call ended", withdrawn_rejected: "Not connected",
    answered: "On call", ended: "Ended", complaintSaved: "Complaint registered, number",
    orderSaved: "Service order registered, no.", callbackSaved: "Call-back scheduled",
    wrapSaved: "Wrap-up saved", due: "Due", status: "Status", pickQueues: "Queues",
    transferTo: "Transfer to", othersFree: "Other agents are free in that queue and may be rung first:", noAgent: "This account has no agent desk yet: ask an administrator to set its agent id, then sign in again.",
    selectPause: "Pause reason", break: "Break", lunch: "Lunch", training: "Training",
    meeting: "Meeting", backoffice: "Back office", "wrap-up": "Wrap-up", on_time: "on time",
    due_soon: "due soon", overdue: "overdue", met: "met", missed: "missed", from: "from",
    customer: "Customer", A: "A paid", B: "B contract", C: "C warranty", D: "D internal",
    injury: "Injury", property_loss: "Property loss", unsafe_repair: "Unsafe repair",
    fraud: "Fraud", media_or_consumer_association: "Media / consumer assoc.", timeLeft: "left",
    time: "Time", outcome: "Outcome", ratingItems: "attitude / skill / arrival / promises", myQueues: "My queues", wrapupTime: "Wrap-up time",
    registered: "registered", dispatched: "dispatched", on_site: "on site", completed: "completed",
    returned: "returned", closed: "closed", cancelled: "cancelled", pending: "pending",
    in_progress: "in progress", resolved: "resolved", lang_zh: "Mandarin", lang_yue: "Cantonese",
    lang_en: "English", lang_wuu: "Wu", lang_nan: "Min Nan",
    idleHint: "When you are ready, the caller's record pops up as soon as your phone rings.",
    closed_logged_out: "You signed out (perhaps in another tab).",
    closed_password_changed: "Your password was changed.",
    closed_deactivated: "Your account was deactivated.", closed_role_changed: "Your role was changed.",
    closed_agent_changed: "Your agent link was changed.", sessionEnded: "Please sign in again.",
    accessWithdrawn: "The desk is closed and no more caller records are sent. Ask your administrator if in doubt.",
  },
};

const S = {
  lang: localStorage.getItem("desk.lang") || "zh",
  desk: null, presence: null, pop: null, customer: null, wrapups: new Map(), seq: null,
  ws: null, retry: 500, shown: new Set(JSON.parse(sessionStorage.getItem("desk.shown") || "[]")),
};
const $ = (id) => document.getElementById(id);
const t = (key) => (I18N[S.lang][key] ?? key);

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function cookie(name) {
  const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
  return m ? decodeURIComponent(m[1]) : "";
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": cookie("cc_csrf") },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(data?.error?.message || res.statusText);
    err.status = res.status;
    throw err;
  }
  return data;
}

function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
}

// Every time is shown in the site's zone (CALLCENTER_TIMEZONE, sent with the desk), never
// the browser's: the hotline's clock is the one its rules and deadlines are counted in.
const siteZone = () => S.desk?.site_time_zone || "Asia/Shanghai";
const fmtTime = (iso) => iso ? new Date(iso).toLocaleString(S.lang === "zh" ? "zh-CN" : "en-GB",
  { timeZone: siteZone(), month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }) : "";
// Wall-clock parts of an instant in the site's zone.
function siteParts(date) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-GB", { timeZone: siteZone(), hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit" }).formatToParts(date)) parts[p.type] = p.value;
  return parts;
}
// "YYYY-MM-DD" of an instant in the site's zone (a bare date stays as it is).
const fmtDate = (iso) => {
  if (!iso) return "";
  if (iso.length === 10) return iso;
  const p = siteParts(new Date(iso));
  return `${p.year}-${p.month}-${p.day}`;
};
// "YYYY-MM-DDTHH:MM" in the site's zone, for a datetime-local input.
const siteWall = (date) => { const p = siteParts(date); return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`; };
// The instant a site wall-clock time ("YYYY-MM-DDTHH:MM") stands for.
function siteInstant(wall) {
  const asUtc = Date.parse(`${wall}:00Z`);
  const p = siteParts(new Date(asUtc));
  const offset = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - asUtc;
  return new Date(asUtc - offset).toISOString();
}

// ---- i18n -------------------------------------------------------------------------------

function applyLang() {
  document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  $("btn-lang").textContent = S.lang === "zh" ? "EN" : "中文";
  renderAll();
}

// ---- boot and login ---------------------------------------------------------------------

async function boot() {
  $("btn-lang").addEventListener("click", () => {
    S.lang = S.lang === "zh" ? "en" : "zh";
    localStorage.setItem("desk.lang", S.lang);
    applyLang();
  });
  $("login-form").addEventListener("submit", login);
  $("btn-signout").addEventListener("click", signOut);
  $("btn-ready").addEventListener("click", ready);
  $("btn-pause").addEventListener("click", pause);
  $("btn-logout-queues").addEventListener("click", () => act("POST", "/api/agent/logout"));
  applyLang();
  try {
    const me = await api("GET", "/api/auth/me");
    await start(me);
  } catch (e) {
    showLogin(e.status === 401 ? "" : e.message);
  }
}

function showLogin(message) {
  $("login").hidden = false;
  $("app").hidden = true;
  $("login-error").textContent = message || "";
}

async function login(ev) {
  ev.preventDefault();
  try {
    const res = await api("POST", "/api/auth/login",
      { username: $("username").value, password: $("password").value });
    await start(res.account);
  } catch (e) {
    $("login-error").textContent = e.message;
  }
}

async function signOut() {
  try { await api("POST", "/api/auth/logout"); } catch (e) { /* already out */ }
  location.reload();
}

async function start(me) {
  if (!me.agent_id) { showLogin(t("noAgent")); return; }
  $("login").hidden = true;
  $("app").hidden = false;
  S.desk = await api("GET", "/api/agent/desk");
  // The person (their account's name), then the desk's id once: PBX-added agents are named
  // after their id, which must not show twice.
  const person = me.display_name || S.desk.agent.display_name;
  $("agent-name").textContent = person === S.desk.agent.id ? person : `${person} · ${S.desk.agent.id}`;
  applySnapshot(S.desk);
  connect();
  refreshFigures();
  refreshCallbacks();
  setInterval(tick, 1000);
  setInterval(refreshFigures, 30000);
}

// ---- the feed ---------------------------------------------------------------------------

// Close codes that end the desk for good (callcenter/web/ws_close.py, the one list of them):
// the session or the access is gone, so reconnecting could only fail; the page says why.
const FINAL_CLOSE = { 4401: "sessionEnded", 4403: "accessWithdrawn" };

function closedForGood(code, reason) {
  S.ws = null;
  S.pop = null;
  S.customer = null;
  S.wrapups.clear();
  renderAll();
  const why = I18N[S.lang][`closed_${String(reason).replaceAll("-", "_")}`];
  showLogin([why, t(FINAL_CLOSE[code])].filter(Boolean).join(" "));
}

function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/agent`);
  S.ws = ws;
  ws.onopen = () => { S.retry = 500; $("conn").dataset.ok = "true"; $("conn").textContent = t("connected"); };
  ws.onclose = (ev) => {
    $("conn").dataset.ok = "false";
    $("conn").textContent = t("disconnected");
    if (ev.code in FINAL_CLOSE) { if (S.ws === ws) closedForGood(ev.code, ev.reason); return; }
    if (S.ws === ws) setTimeout(connect, S.retry);
    S.retry = Math.min(S.retry * 2, 10000);
  };
  ws.onmessage = (msg) => {
    const frame = JSON.parse(msg.data);
    if (frame.type !== "snapshot" && S.seq !== null && frame.seq !== S.seq + 1) {
      ws.close();  // a frame was missed: a fresh snapshot puts the page right
      return;
    }
    S.seq = frame.seq;
    handle(frame);
  };
}

function handle(f) {
  switch (f.type) {
    case "snapshot": applySnapshot(f); break;
    case "presence": S.presence = f.presence; renderState(); if (!S.pop) renderPop(); break;
    case "pop": showPop(f.pop); break;
    case "pop_answered": if (S.pop?.pop_id === f.pop_id) { S.pop.state = "answered"; renderPop(); renderWrapup(); } break;
    case "pop_withdrawn":
      if (S.pop?.pop_id === f.pop_id) { S.pop.state = "withdrawn"; S.pop.reason = f.reason; renderPop(); }
      break;
    case "wrapup": S.wrapups.set(f.wrapup.call_id, f.wrapup); adoptWrapup(f.wrapup); break;
    case "wrapup_end": S.wrapups.delete(f.call_id); renderWrapup(); refreshFigures(); break;
    case "dial_result": toast(`${t("dial")}: ${f.result}`); break;
    case "callback_due": toast(`${t("callback")}: ${f.callback.number}`); refreshCallbacks(); break;
    default: break;
  }
}

function applySnapshot(snap) {
  S.presence = snap.presence;
  for (const w of snap.wrapups || []) S.wrapups.set(w.call_id, w);
  const current = (snap.pops || [])[0];
  if (current) showPop(current);
  else if (snap.wrapups?.length) adoptWrapup(snap.wrapups[0]);
  renderAll();
}

function showPop(pop) {
  const again = S.shown.has(pop.pop_id);  // a reconnect's snapshot: same ring, not a new pop
  S.shown.add(pop.pop_id);
  sessionStorage.setItem("desk.shown", JSON.stringify([...S.shown].slice(-50)));
  if (S.pop?.pop_id !== pop.pop_id) S.customer = null;
  S.pop = pop;
  const customers = pop.card?.customers || [];
  if (customers.length === 1) S.customer = customers[0];
  if (!again && document.hidden) document.title = `☎ ${pop.caller_number}`;
  renderPop();
  renderWrapup();
}

function adoptWrapup(w) {
  if (!S.pop || S.pop.call_id !== w.call_id) showPop({ ...w.pop });
  if (S.pop) S.pop.state = "ended";
  renderPop();
  renderWrapup();
}

// ---- actions ----------------------------------------------------------------------------

async function act(method, path, body) {
  try { return await api(method, path, body); } catch (e) { toast(e.message); return null; }
}

function chosenQueues() {
  return [...document.querySelectorAll("#queue-list input:checked")].map((i) => i.value);
}

async function ready() {
  const state = S.presence?.state;
  if (state === "logged_out") {
    const queues = chosenQueues();
    localStorage.setItem("desk.queues", JSON.stringify(queues));
    await act("POST", "/api/agent/login", { queues });
  } else {
    await act("POST", "/api/agent/resume");
  }
}

async function pause() {
  await act("POST", "/api/agent/pause", { reason: $("pause-reason").value });
}

// ---- rendering --------------------------------------------------------------------------

function renderAll() {
  if (!S.desk) return;
  renderState();
  renderPop();
  renderWrapup();
}

function renderState() {
  const p = S.presence || { state: "logged_out", queues: [] };
  const st = $("state");
  st.dataset.state = p.state;
  $("state-label").textContent = t(p.state) + (p.paused_reason && p.state === "paused" ? ` · ${t(p.paused_reason)}` : "");
  const list = $("queue-list");
  list.replaceChildren();
  if (p.state === "logged_out") {
    const saved = JSON.parse(localStorage.getItem("desk.queues") || "[]");
    for (const q of S.desk.queues) {
      list.append(h("label", { class: "chip" }, h("input", { type: "checkbox", value: q.name,
        checked: saved.includes(q.name) }), " ", q.display_name || q.name));
    }
  } else {
    for (const q of p.queues) list.append(h("span", { class: "chip" }, q));
  }
  const sel = $("pause-reason");
  if (sel.options.length !== S.desk.pause_reasons.length || sel.dataset.lang !== S.lang) {
    sel.replaceChildren(...S.desk.pause_reasons.map((r) => h("option", { value: r }, t(r))));
    sel.dataset.lang = S.lang;
  }
  // A wrap-up ends by classifying the call (or by its time): Ready does not skip it.
  $("btn-ready").disabled = ["available", "ringing", "on_call", "wrap_up"].includes(p.state);
  $("btn-pause").disabled = p.state === "logged_out";
  $("btn-logout-queues").disabled = p.state === "logged_out";
}

function tick() {
  const p = S.presence;
  $("state-since").textContent = p?.since ? clock(Date.now() / 1000 - p.since) : "";
  const w = [...S.wrapups.values()][0];
  $("wrapup-countdown").textContent = w ? `${t("timeLeft")} ${clock(Math.max(0, w.deadline_ts - Date.now() / 1000))}` : "";
}

function clock(s) {
  s = Math.floor(s);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function langName(code) {
  const key = `lang_${code}`;
  return I18N[S.lang][key] ? t(key) : code;
}

function idleView() {
  const mine = new Set(S.presence?.queues || []);
  const queues = (S.desk?.queues || []).filter((q) => mine.has(q.name));
  return [h("p", { class: "hint" }, t("idleHint")),
    queues.length ? h("div", {}, h("h3", {}, t("myQueues")), table([t("myQueues"), t("greeting"), t("wrapupTime")],
      queues.map((q) => h("tr", {}, h("td", {}, q.display_name || q.name), h("td", {}, q.greeting || "—"), h("td", {}, `${q.wrapup_s}s`))))) : ""];
}

function stateBadge(state) {
  return state ? h("span", { class: `badge ${state}` }, t(state)) : "";
}

function table(head, rows) {
  return h("table", {}, h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { class: "none", colspan: head.length }, t("none")))));
}

function renderPop() {
  const box = $("pop");
  const pop = S.pop;
  $("pop-empty").hidden = !!pop;
  $("pop-empty").replaceChildren(h("div", { class: "waiting" }, t("waiting")), ...idleView());
  box.hidden = !pop;
  $("pop-state").textContent = "";
  if (!pop) return;
  const state = pop.state === "withdrawn" ? `withdrawn_${pop.reason}` : pop.state;
  $("pop-state").dataset.state = pop.state;
  $("pop-state").textContent = t(state);
  box.dataset.state = pop.state;
  box.className = "pop-card";
  box.replaceChildren(
    pop.greeting ? h("div", { class: "greeting" }, h("small", {}, t("greeting")), pop.greeting) : "",
    pop.transfer ? h("div", { class: "transfer" }, `${t("transfer")} ${t("from")} ${pop.transfer.from_agent}: ${pop.transfer.note || ""}`) : "",
    h("div", { class: "caller" }, h("span", { class: "number", id: "pop-number" }, pop.caller_number || "—"),
      h("span", { class: "queue" }, pop.queue)),
    cardBody(pop));
}

function cardBody(pop) {
  const card = pop.card;
  if (!card) return h("p", { class: "notes" }, t("none"));
  if (S.customer) return customerView(S.customer, pop);
  if (card.match === "ambiguous") {
    return h("div", { class: "choice" }, h("p", {}, t("several")),
      card.customers.map((c) => h("button", { onclick: () => { S.customer = c; renderPop(); renderWrapup(); } },
        `${c.name}${c.vip ? " · VIP" : ""} · ${c.address || ""}`)));
  }
  return newCustomerForm(card, pop);
}

function newCustomerForm(card, pop) {
  const form = h("form", { id: "new-customer" },
    h("p", { class: "notes" }, t("unknown")),
    h("div", { class: "row" },
      h("div", {}, h("label", {}, t("name")), h("input", { name: "name", required: true })),
      h("div", {}, h("label", {}, t("phone")), h("input", { name: "phone", value: card.new_customer?.phone || pop.caller_number }))),
    h("div", { class: "row" },
      h("div", {}, h("label", {}, t("language")), h("input", { name: "language", value: "zh" })),
      h("div", {}, h("label", {}, t("vip")), h("select", { name: "vip" }, h("option", { value: "false" }, "—"), h("option", { value: "true" }, "VIP")))),
    h("button", { class: "primary submit", type: "submit" }, t("save")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    const c = await act("POST", "/api/customers", { name: d.get("name"), language: d.get("language"),
      vip: d.get("vip") === "true", phones: [{ number: d.get("phone") }] });
    if (c) { S.customer = { ...c, products: [], open_orders: [], open_complaints: [], last_calls: [], last_surveys: [] }; renderPop(); renderWrapup(); }
  });
  return form;
}

function customerView(c, pop) {
  const today = fmtDate(new Date().toISOString());
  // Call back the number that rang (in its stored E.164 form), not just the first on file.
  const rang = (pop.caller_number || "").replace(/\D/g, "").replace(/^0+/, "");
  const number = (rang && c.phones?.find((p) => p.number.replace(/\D/g, "").endsWith(rang))?.number)
    || c.phones?.[0]?.number || pop.caller_number;
  const colleagues = (S.desk.colleagues || []).filter((x) => x.state === "available");
  return h("div", { class: "customer", "data-customer": c.id },
    h("div", { class: "card-head" }, h("span", { class: "name", id: "pop-name" }, c.name),
      c.vip ? h("span", { class: "badge vip" }, t("vip")) : "",
      c.language ? h("span", { class: "badge lang" }, `${t("language")}: ${langName(c.language)}`) : "",
      c.do_not_call ? h("span", { class: "badge bad" }, "DNC") : ""),
    c.address || c.notes ? h("p", { class: "notes" }, [c.address, c.notes].filter(Boolean).join(" · ")) : "",
    h("h3", {}, t("products")),
    table([t("model"), t("serial"), t("warranty"), ""], (c.products || []).map((p) => h("tr", {},
      h("td", {}, p.model), h("td", {}, p.serial), h("td", {}, fmtDate(p.warranty_end)),
      h("td", {}, p.warranty_end ? h("span", { class: `badge ${fmtDate(p.warranty_end) >= today ? "ok" : "warn"}` },
        t(fmtDate(p.warranty_end) >= today ? "inWarranty" : "outWarranty")) : "")))),
    h("div", { class: "grid2" },
      h("div", {}, h("h3", {}, t("openOrders")), table(["#", t("status"), t("due")],
        (c.open_orders || []).map((o) => { const d = Object.entries(o.deadlines || {}).find(([, v]) => !v.done_at) || [];
          return h("tr", {}, h("td", {}, o.id), h("td", {}, t(o.status)), h("td", {}, d[1] ? fmtTime(d[1].due) : "", " ", stateBadge(d[1]?.state))); }))),
      h("div", {}, h("h3", {}, t("openComplaints")), table(["#", t("subject"), t("due")],
        (c.open_complaints || []).map((o) => h("tr", {}, h("td", {}, o.number), h("td", {}, o.subject),
          h("td", {}, fmtTime(o.deadlines?.case?.due), " ", stateBadge(o.deadlines?.case?.state))))))),
    h("div", { class: "grid2" },
      h("div", {}, h("h3", {}, t("lastCalls")), table([t("time"), t("talk"), t("outcome")],
        (c.last_calls || []).map((k) => h("tr", {}, h("td", {}, fmtTime(k.entered_at)), h("td", {}, k.talk_s ? `${Math.round(k.talk_s)}s` : k.exit_reason), h("td", {}, k.outcome || ""))))),
      h("div", {}, h("h3", {}, t("surveys")), table([t("time"), t("ratingItems")],
        (c.last_surveys || []).map((s) => h("tr", {}, h("td", {}, fmtDate(s.surveyed_at)),
          h("td", {}, [s.attitude, s.skill, s.arrival_time, s.promises_kept].map((x) => x ?? "–").join(" / "))))))),
    h("div", { class: "callactions" },
      h("button", { onclick: () => act("POST", "/api/agent/dial", { number, customer_id: c.id }) }, `☎ ${t("dial")} ${number}`),
      pop.state === "answered" && colleagues.length ? h("select", { id: "transfer-to" },
        colleagues.map((x) => h("option", { value: x.id },
          x.languages.length ? `${x.display_name} (${x.languages.map(langName).join(", ")})` : x.display_name))) : "",
      pop.state === "answered" && colleagues.length ? h("button", { onclick: () => transfer(pop, c) }, t("transfer")) : ""));
}

async function transfer(pop, customer) {
  const sent = await act("POST", "/api/agent/transfer",
    { call_id: pop.call_id, to_agent: $("transfer-to").value, note: customer.language || "" });
  if (sent && sent.others_free > 0) toast(`${t("othersFree")} ${sent.queue} (${sent.others_free})`);
}

// ---- wrap-up ----------------------------------------------------------------------------

function renderWrapup() {
  const panel = $("wrapup-panel");
  const pop = S.pop;
  const open = pop && (pop.state === "answered" || pop.state === "ended" || S.wrapups.has(pop.call_id));
  panel.hidden = !open;
  if (!open) return;
  const form = $("wrapup-form");
  if (form.dataset.call === pop.call_id && form.dataset.lang === S.lang && form.dataset.customer === String(S.customer?.id ?? "")) return;
  form.dataset.call = pop.call_id;
  form.dataset.lang = S.lang;
  form.dataset.customer = String(S.customer?.id ?? "");
  $("wrapup-result").hidden = true;
  const kinds = ["consultation", "repair_request", "complaint_general", "complaint_major"];
  const products = S.customer?.products || [];
  const inTwoHours = siteWall(new Date(Date.now() + 2 * 3600e3));
  form.replaceChildren(
    h("label", {}, t("classification")),
    h("div", { class: "kinds" }, kinds.map((k, i) => h("label", { class: i === 0 ? "on" : "" },
      h("input", { type: "radio", name: "classification", value: k, checked: i === 0 }), t(k)))),
    h("div", { class: "part", "data-for": "complaint_general complaint_major", hidden: true },
      h("label", {}, t("subject")), h("input", { name: "subject", id: "wrap-subject" }),
      h("label", {}, t("content")), h("textarea", { name: "content" }),
      h("div", { class: "part", "data-for": "complaint_major", hidden: true },
        h("label", {}, t("crises")), h("div", { class: "checks" },
          ["injury", "property_loss", "unsafe_repair", "fraud", "media_or_consumer_association"].map((c) =>
            h("label", {}, h("input", { type: "checkbox", name: "crises", value: c }), t(c)))))),
    h("div", { class: "part", "data-for": "repair_request", hidden: true },
      h("div", { class: "row" },
        h("div", {}, h("label", {}, t("product")), h("select", { name: "product_id" }, h("option", { value: "" }, "—"),
          products.map((p) => h("option", { value: p.id }, `${p.model} ${p.serial || ""}`)))),
        h("div", {}, h("label", {}, t("serviceClass")), h("select", { name: "service_class" },
          ["C", "A", "B", "D"].map((k) => h("option", { value: k }, t(k)))))),
      h("label", {}, t("description")), h("textarea", { name: "description" })),
    h("label", { class: "checks" }, h("input", { type: "checkbox", name: "callback", id: "wrap-callback" }), t("callback")),
    h("div", { class: "part", "data-for": "callback", hidden: true },
      h("label", {}, t("dueAt")), h("input", { type: "datetime-local", name: "due_at", value: inTwoHours })),
    h("label", {}, t("note")), h("textarea", { name: "note" }),
    h("button", { class: "primary submit", type: "submit", id: "wrap-submit" }, t("submit")));
  const sync = () => {
    const kind = form.querySelector("input[name=classification]:checked").value;
    for (const l of form.querySelectorAll(".kinds label")) l.classList.toggle("on", l.querySelector("input").checked);
    for (const part of form.querySelectorAll(".part")) {
      const wants = part.dataset.for.split(" ");
      part.hidden = !(wants.includes(kind) || (wants.includes("callback") && $("wrap-callback").checked));
    }
  };
  form.onchange = sync;
  form.onsubmit = submitWrapup;
  sync();
}

async function submitWrapup(ev) {
  ev.preventDefault();
  const form = ev.target;
  const d = new FormData(form);
  const kind = d.get("classification");
  const c = S.customer;
  const body = { call_id: S.pop.call_id, classification: kind, customer_id: c?.id ?? null, note: d.get("note") || "" };
  if (kind.startsWith("complaint")) {
    body.complaint = { subject: d.get("subject") || t(kind), content: d.get("content") || "",
      complainant: c?.name || S.pop.caller_number || "—", crises: d.getAll("crises") };
  }
  if (kind === "repair_request") {
    body.order = { service_class: d.get("service_class"), description: d.get("description") || "" };
    if (d.get("product_id")) body.order.product_id = Number(d.get("product_id"));
  }
  if (d.get("callback")) body.callback = { due_at: siteInstant(d.get("due_at")) };
  const res = await act("POST", "/api/agent/wrapup", body);
  if (!res) return;
  const lines = [t("wrapSaved")];
  if (res.complaint_number) lines.push(`${t("complaintSaved")} ${res.complaint_number}`);
  if (res.order_id) lines.push(`${t("orderSaved")} ${res.order_id}`);
  if (res.callback_id) lines.push(t("callbackSaved"));
  const out = $("wrapup-result");
  out.textContent = lines.join(" · ");
  out.dataset.complaint = res.complaint_number || "";
  out.hidden = false;
  form.querySelector("#wrap-submit").disabled = true;
  refreshCallbacks();
}

// ---- figures and call-backs -------------------------------------------------------------

async function refreshFigures() {
  const f = await act("GET", "/api/agent/figures");
  if (!f) return;
  $("figures").replaceChildren(
    ...[["callsTaken", f.calls_taken], ["avgRings", f.avg_rings_before_answer ?? "–"], ["rangOut", f.rang_out]]
      .map(([k, v]) => h("div", { class: "fig" }, h("div", { class: "v" }, v), h("div", { class: "k" }, t(k)))));
}

async function refreshCallbacks() {
  const res = await act("GET", "/api/agent/callbacks");
  if (!res) return;
  const now = new Date().toISOString();
  $("callbacks").replaceChildren(...(res.callbacks.length ? res.callbacks.map((c) => h("li", { class: c.due_at <= now ? "due" : "" },
    h("span", {}, `${fmtTime(c.due_at)} · ${c.number}`), h("button", { onclick: async () => {
      await act("POST", `/api/agent/callbacks/${c.id}/done`); refreshCallbacks(); } }, t("done"))))
    : [h("li", { class: "none" }, t("none"))]));
}

document.addEventListener("DOMContentLoaded", boot);
