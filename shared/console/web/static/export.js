// The export page, live: the hold's countdown every second, and the state,
// timeline and progress polled from ./live without reloading the page.
import { bytes, duration, fill, getJSON, when } from "./dom.js";

const root = document.getElementById("export");
const $ = id => document.getElementById(id);
const holdEnd = Date.parse(root.dataset.holdEnd);
// The server's clock, so the countdown does not depend on the browser's.
let skew = Date.parse(root.dataset.now) - Date.now();
let state = "";
let downloadsShown = false;

function tick() {
  const left = (holdEnd - (Date.now() + skew)) / 1000;
  $("countdown").textContent = left > 0 ? duration(left) : "a moment";
}

function show(id, on) { $(id).hidden = !on; }

function render(l) {
  skew = Date.parse(l.now) - Date.now();
  state = l.state;
  const badge = $("state");
  badge.textContent = l.label;
  badge.className = "state state-" + l.state.toLowerCase();
  for (const s of l.steps) {
    const li = document.querySelector(`#timeline li[data-step="${s.key}"]`);
    if (!li) continue;
    li.classList.toggle("reached", s.reached);
    li.classList.toggle("current", s.current);
    if (s.current) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    const t = li.querySelector("time");
    if (when(s.at)) { t.textContent = when(s.at) + (s.reached ? "" : " (expected)"); t.dateTime = s.at; }
  }
  if (when(l.expires_at)) { $("expires").textContent = when(l.expires_at); $("expires").dateTime = l.expires_at; }
  show("hold", l.state === "ON_HOLD");
  show("cancel", l.cancellable);
  const started = l.steps.some(s => s.key === "running" && s.reached);
  show("progress", started);
  show("done", l.state === "COMPLETED" || l.state === "COMPLETED_WITH_ERRORS");
  show("expired", l.state === "EXPIRED");
  if (started) progress(l);
  if (!$("done").hidden && !downloadsShown) { downloadsShown = true; downloads(); }
}

function progress(l) {
  $("p-accounts").textContent = `${l.accounts.done} of ${l.accounts.total}`;
  $("p-files").textContent = l.files.toLocaleString("en");
  $("p-failed").textContent = l.failed.toLocaleString("en");
  $("p-bytes").textContent = bytes(l.bytes);
  $("p-rate").textContent = l.rate > 0 ? bytes(l.rate) + "/s" : "—";
  $("p-left").textContent = l.state === "RUNNING" ? (l.left > 0 ? "about " + duration(l.left) : "estimating…") : (l.final ? "none" : "—");
  fill($("by-type").tBodies[0], (l.by_type || []).map(t => [t.label, t.done, t.total]));
  fill($("by-product").tBodies[0], (l.products || []).map(p => [p.product, p.files.toLocaleString("en"), p.failed.toLocaleString("en")]));
  const errs = l.errors || [];
  fill($("errors").tBodies[0], errs.map(e => [e.name ? `${e.name} (${e.account})` : e.account, e.type, e.failed, e.error || (e.state === "FAILED" ? "The account could not be exported." : "Items failed; the report lists each with its reason.")]));
  show("errors", errs.length > 0);
  $("no-errors").textContent = errs.length ? (l.more_errors ? `${errs.length} listed, ${l.more_errors} more in the report.` : "") : "None.";
  $("no-errors").hidden = errs.length > 0 && !l.more_errors;
}

// downloads lists every object with a short-lived signed URL, or, where
// the deployment has no download links, the archive's gs:// paths.
async function downloads() {
  const st = $("downloads-status");
  let r;
  try { r = await getJSON(root.dataset.downloads); } catch { r = { status: 0 }; }
  if (r.ok && r.body && Array.isArray(r.body.objects)) {
    const list = $("downloads");
    list.replaceChildren(...r.body.objects.map(o => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = o.url;
      a.textContent = o.name;
      li.append(a, " (" + bytes(o.size || 0) + ")");
      return li;
    }));
    st.textContent = `${r.body.objects.length} files. The links work until ${when(r.body.expires_at)}; reload the page for new ones.`;
    return;
  }
  st.textContent = r.status === 404
    ? "Download links are not available on this deployment. The archive is in Cloud Storage at:"
    : "The download links could not be made. The archive is in Cloud Storage at:";
  show("paths", true);
}

async function poll() {
  try {
    const r = await getJSON(root.dataset.live);
    if (r.ok) {
      render(r.body);
      $("live-status").textContent = "";
    } else if (r.status === 401 || r.status === 403) {
      $("live-status").textContent = "Your session has ended. Reload the page to sign in again.";
      return;
    } else {
      $("live-status").textContent = (r.body && r.body.message) || "Progress cannot be read right now; trying again.";
    }
  } catch {
    $("live-status").textContent = "The console cannot be reached; trying again.";
  }
  const final = ["COMPLETED", "COMPLETED_WITH_ERRORS", "CANCELLED", "EXPIRED"].includes(state);
  if (!final) setTimeout(poll, 2000);
}

tick();
setInterval(tick, 1000);
poll();
