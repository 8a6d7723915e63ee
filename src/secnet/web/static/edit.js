// Editing a participation through the API. Opening the form finds the stored record (its id) in
// GET /api/v1/arrangements/{id}/participations, then GETs it for its current values and version
// (the ETag); saving PATCHes only the changed fields with If-Match (optimistic locking: a 412 means
// someone saved first). The editor signs in at /login: the browser then holds an HttpOnly session
// cookie that this script cannot read and sends it by itself; the X-Secnet-CSRF header marks the
// request as coming from these pages (secnet.api.sessions). No token is ever kept in the page.
(function () {
  const dialog = document.getElementById("edit");
  if (!dialog) return;
  const form = document.getElementById("edit-form");
  const status = document.getElementById("edit-status");
  const fields = ["role", "start", "end", "sources", "note"];
  const input = (name) => document.getElementById(`edit-${name}`);
  const { h, fill } = window.secnetDom;
  sessionStorage.removeItem("secnet.token"); // left by earlier versions, which kept the token there
  let current = null; // {url, etag, values}

  const say = (text, kind) => { fill(status, text); status.className = `status ${kind || ""}`; };
  const signIn = (why) => { fill(status, `${why} `, h("a", { href: dialog.dataset.login }, "Sign in"), " and open the entry again."); status.className = "status bad"; };
  const show = (v) => (Array.isArray(v) ? v.join(", ") : v ?? "");
  const read = (name) => {
    const v = input(name).value.trim();
    if (name === "sources") return v.split(",").map((s) => s.trim()).filter(Boolean);
    if (name === "end") return v || null;
    return v;
  };
  async function problem(resp) {
    let body = null;
    try { body = await resp.json(); } catch (e) { /* not JSON */ }
    const detail = body && (body.problems || body.detail || body.message || body.error);
    if (Array.isArray(detail)) return detail.map((d) => (typeof d === "string" ? d : d.msg || JSON.stringify(d))).join("; ");
    return detail ? String(detail) : `${resp.status} ${resp.statusText}`;
  }

  async function open(button) {
    current = null;
    document.getElementById("edit-title").textContent = `Edit: ${button.dataset.name}`;
    fields.forEach((f) => { input(f).value = ""; });
    say("Loading…");
    dialog.showModal();
    const b = button.dataset;
    const list = await fetch(`/api/v1/arrangements/${encodeURIComponent(b.arrangement)}/participations`,
                             { headers: { Accept: "application/json" } });
    if (!list.ok) { say(`Cannot load this entry: ${await problem(list)}`, "bad"); return; }
    const found = (await list.json()).find((p) => p.actor === b.actor && p.role === b.role && p.start === b.start);
    if (!found) { say("This entry is no longer stored as shown: reload the page.", "bad"); return; }
    const url = `/api/v1/participations/${found.id}`;
    const resp = await fetch(url, { headers: { Accept: "application/json" } });
    if (!resp.ok) { say(`Cannot load this entry: ${await problem(resp)}`, "bad"); return; }
    const values = await resp.json();
    current = { url, etag: resp.headers.get("ETag") || `"${values.version}"`, values };
    fields.forEach((f) => { input(f).value = show(values[f]); });
    say("");
  }

  async function save(event) {
    event.preventDefault();
    if (!current) return;
    if (!form.reportValidity()) return;
    if (!dialog.dataset.who) { signIn("Saving needs an editor."); return; }
    const changes = {};
    fields.forEach((f) => {
      if (JSON.stringify(read(f)) !== JSON.stringify(f === "end" ? current.values[f] ?? null : current.values[f])) changes[f] = read(f);
    });
    if (!Object.keys(changes).length) { say("Nothing changed."); return; }
    say("Saving…");
    const resp = await fetch(current.url, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "If-Match": current.etag, "X-Secnet-CSRF": "1" },
      body: JSON.stringify(changes),
    });
    if (resp.ok) {
      say("Saved. Reloading…", "good");
      setTimeout(() => location.reload(), 400);
    } else if (resp.status === 401) {
      signIn(`Not saved: ${await problem(resp)}.`);
    } else if (resp.status === 403) {
      say(`Not saved: ${await problem(resp)}`, "bad");
    } else if (resp.status === 412) {
      say("Someone else changed this entry since you opened it. Close and open it again to see their version.", "bad");
    } else {
      say(`Not saved: ${await problem(resp)}`, "bad");
    }
  }

  document.querySelectorAll("button.edit").forEach((b) => b.addEventListener("click", () => open(b)));
  document.getElementById("edit-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", save);
})();
