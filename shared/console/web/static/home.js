// The home page's setup check panel (R19): GET /setup, one row per product.
import { fill, getJSON } from "./dom.js";

const panel = document.getElementById("setup");
const status = panel.querySelector(".status");
const table = panel.querySelector("table");

async function load() {
  let r;
  try {
    r = await getJSON(panel.dataset.src);
  } catch {
    status.textContent = "The setup check could not be reached. Reload the page to try again.";
    return;
  }
  if (r.status === 404) {
    status.textContent = "The setup check is not available on this deployment.";
    return;
  }
  if (!r.ok || !r.body || !Array.isArray(r.body.products)) {
    status.textContent = "The setup check failed" + (r.body && r.body.error ? ": " + r.body.error.message : ".") + " Reload the page to try again.";
    return;
  }
  const rows = r.body.products.map(p => [p.product, p.as === "user" ? "a user" : "the admin",
    p.ready ? "Ready" : "Missing: " + (p.missing || "something"), p.ready ? "" : (p.fix || "")]);
  fill(table.tBodies[0], rows);
  table.tBodies[0].querySelectorAll("tr").forEach((tr, i) => {
    tr.classList.add(r.body.products[i].ready ? "pass" : "fail");
  });
  const missing = r.body.products.filter(p => !p.ready).length;
  status.textContent = (missing === 0 ? "Every product is ready." : missing + " of " + r.body.products.length + " products need attention.") +
    (r.body.checked_at ? " Checked " + new Date(r.body.checked_at).toUTCString() + "." : "");
  table.hidden = false;
}

load();
