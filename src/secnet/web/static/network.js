// The actor graph drawn with Cytoscape.js and the fcose layout. Data: the page's JSON island
// (#graph, the node-link data of the page's JSON twin). Clicking a node or an edge fills the
// side panel; ticking a filter redraws the page for the new kinds.
(function () {
  const data = JSON.parse(document.getElementById("graph").textContent);
  const at = document.getElementById("at").value;
  const css = getComputedStyle(document.documentElement);
  const colour = (s) => css.getPropertyValue(`--${s}`).trim() || "#999";
  const maxStrength = Math.max(1, ...data.nodes.map((n) => n.weighted_degree));
  const maxWeight = Math.max(1, ...data.links.map((l) => l.weight));
  const names = Object.fromEntries(data.nodes.map((n) => [n.id, n.label]));

  // The backbone: each actor's TOP strongest ties (ties broken by order in the data). The
  // layout runs on the backbone only: with every co-membership tie the alliance is a near-complete
  // graph and any force layout collapses it into a ball.
  const TOP = 3;
  const incident = new Map(data.nodes.map((n) => [n.id, []]));
  data.links.forEach((l, i) => { incident.get(l.source).push(i); incident.get(l.target).push(i); });
  const backbone = new Set();
  for (const edges of incident.values()) {
    edges.sort((a, b) => data.links[b].weight - data.links[a].weight || a - b).slice(0, TOP).forEach((i) => backbone.add(i));
  }
  const elements = [
    ...data.nodes.map((n) => ({ data: { ...n, size: 10 + 26 * Math.sqrt(n.weighted_degree / maxStrength) } })),
    ...data.links.map((l, i) => ({ data: { ...l, id: `e${i}`, width: 0.5 + 3.5 * (l.weight / maxWeight) },
                                   classes: backbone.has(i) ? "backbone" : "extra" })),
  ];
  cytoscape.use(cytoscapeFcose);
  const cy = cytoscape({
    container: document.getElementById("cy"),
    elements,
    style: [
      { selector: "node", style: {
          "background-color": (n) => colour(n.data("status") === "other" ? "other" : n.data("status")),
          width: "data(size)", height: "data(size)", label: "data(id)", "font-size": 9, color: "#1f2933",
          "text-valign": "center", "text-halign": "center", "text-outline-color": "#fff", "text-outline-width": 1.5,
          shape: (n) => (n.data("kind") === "state" ? "ellipse" : "diamond"), "border-width": 0 } },
      { selector: "edge", style: { width: "data(width)", "line-color": "#9aa7b5", opacity: 0.3, "curve-style": "haystack" } },
      { selector: "edge.extra", style: { display: "none" } },
      { selector: "edge.extra.shown", style: { display: "element", opacity: 0.06 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#14243a" } },
      { selector: "edge:selected", style: { opacity: 0.9, "line-color": "#14243a" } },
      { selector: ".faded", style: { opacity: 0.08 } },
      { selector: "edge.near", style: { display: "element", opacity: 0.55, "line-color": "#5f7d9c" } },
    ],
  });
  cy.elements("node, edge.backbone").layout({
    name: "fcose", quality: "proof", randomize: true, animate: false, nodeRepulsion: 12000,
    idealEdgeLength: (e) => 40 + 120 / Math.sqrt(e.data("weight")), edgeElasticity: 0.3, nodeSeparation: 40,
    packComponents: true, fit: true, padding: 20,
  }).run();

  const panel = document.getElementById("details");
  const { h, fill } = window.secnetDom;
  const link = (kind, id, text) => h("a", { href: `/${kind}/${encodeURIComponent(id)}?at=${encodeURIComponent(at)}` }, text);
  const fmt = (x) => (typeof x === "number" ? x.toFixed(3).replace(/\.?0+$/, "") : x);
  const words = (s) => String(s ?? "").replace(/_/g, " ");
  const row = (label, value) => h("tr", {}, h("td", {}, label), h("td", { class: "num" }, value));

  function showNode(n) {
    const d = n.data();
    const ties = n.connectedEdges().sort((a, b) => b.data("weight") - a.data("weight"));
    fill(panel,
      h("h3", {}, link("actors", d.id, d.label)),
      h("p", {}, `${words(d.kind)} · `, h("span", { class: `tag ${d.status}` }, d.status === "other" ? "no NATO tie" : d.status),
        ` · community ${d.community === null ? "none" : d.community + 1}`),
      h("table", {}, h("tbody", {},
        row("Ties (degree)", d.degree), row("Weighted degree", fmt(d.weighted_degree)),
        row("Betweenness", fmt(d.betweenness)), row("Eigenvector", fmt(d.eigenvector)))),
      h("h3", {}, "Strongest ties"),
      h("ol", {}, ties.slice(0, 8).map((e) => {
        const other = e.data("source") === d.id ? e.data("target") : e.data("source");
        return h("li", {}, link("actors", other, names[other]), " ",
                 h("span", { class: "muted" }, `${fmt(e.data("weight"))}, ${words(e.data("strongest"))}`));
      })));
  }

  function showEdge(e) {
    const d = e.data();
    fill(panel,
      h("h3", {}, link("actors", d.source, names[d.source]), " – ", link("actors", d.target, names[d.target])),
      h("p", {}, `Weight ${fmt(d.weight)}; strongest tie: ${words(d.strongest)}.`),
      h("h3", {}, `Shared arrangements (${d.arrangements.length})`),
      h("ul", {}, d.arrangements.map((a) => h("li", {}, link("arrangements", a, a)))));
  }

  cy.on("tap", "node", (evt) => {
    const n = evt.target;
    cy.elements().removeClass("faded near");
    cy.elements().difference(n.closedNeighborhood()).addClass("faded");
    n.connectedEdges().addClass("near");
    showNode(n);
  });
  cy.on("tap", "edge", (evt) => { cy.elements().removeClass("faded near"); showEdge(evt.target); });
  cy.on("tap", (evt) => { if (evt.target === cy) cy.elements().removeClass("faded near"); });

  document.getElementById("all-ties").addEventListener("change", (e) => {
    cy.edges(".extra").toggleClass("shown", e.target.checked);
  });
  document.querySelectorAll("#filters input[type=checkbox]").forEach((box) =>
    box.addEventListener("change", () => document.getElementById("filters").requestSubmit()));
  document.getElementById("cy").dataset.nodes = cy.nodes().length;
  window.secnetGraph = cy;
})();
