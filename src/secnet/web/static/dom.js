// The one way the pages' scripts put data into the page: as text, never as markup.
// secnetDom.h("a", {href: "/actors/FIN", class: "x"}, "Fin<img>", child) builds an element whose string
// children become text nodes; attributes go through setAttribute, an href through safeHref, and an
// event handler ("on...") or a style attribute is refused (set styles through element.style).
// Load it before any page script that uses it.
(function () {
  // A link target: a path on this site, or an http(s) URL; anything else (javascript:, data:, ...) gives null.
  function safeHref(url) {
    if (url === null || url === undefined) return null;
    let u;
    try { u = new URL(String(url), location.href); } catch (e) { return null; }
    if (u.origin === location.origin) return u.pathname + u.search + u.hash;
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  }

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach((c) => append(el, c)); return; }
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      const key = name.toLowerCase();
      if (key.startsWith("on") || key === "style" || key === "srcdoc") throw new Error(`secnetDom.h: attribute ${name} is not allowed`);
      if (key === "href" || key === "src" || key === "action" || key === "formaction") {
        const safe = safeHref(value);
        if (safe !== null) el.setAttribute(key, safe);
      } else {
        el.setAttribute(key, String(value));
      }
    }
    append(el, children);
    return el;
  }

  // Replace an element's content with nodes or text.
  function fill(el, ...children) {
    el.replaceChildren();
    append(el, children);
    return el;
  }

  window.secnetDom = Object.freeze({ h, fill, safeHref });
})();
