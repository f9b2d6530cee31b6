// Small helpers shared by the console's pages. No framework, no inline
// script: the Content-Security-Policy allows only these modules.

// row builds a table row of text cells (never HTML).
export function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    td.textContent = String(c);
    tr.append(td);
  }
  return tr;
}

// fill replaces a table body's rows.
export function fill(tbody, rows) {
  tbody.replaceChildren(...rows.map(row));
}

export function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
}

// duration says 3725 s as "1 h 2 min 5 s".
export function duration(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600),
    m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  const out = [];
  if (d) out.push(d + " d");
  if (h) out.push(h + " h");
  if (m) out.push(m + " min");
  if (s || out.length === 0) out.push(s + " s");
  return out.join(" ");
}

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = n => String(n).padStart(2, "0");

// when writes a time as the server does: "Tue 1 Dec 2026, 08:45:48 UTC".
export function when(iso) {
  if (!iso || iso.startsWith("0001-")) return "";
  const d = new Date(iso);
  return `${days[d.getUTCDay()]} ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
}

export async function getJSON(url) {
  const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  let body = null;
  try { body = await r.json(); } catch { body = null; }
  return { status: r.status, ok: r.ok, body };
}
