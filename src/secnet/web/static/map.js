// A choropleth of the states in the page's JSON island (#states). world-atlas features carry
// ISO 3166 numeric ids; the server already mapped our alpha-3 ids to them (secnet.web.geo), so
// a state's "feature" is the feature's id (or, for Kosovo, its name).
(async function () {
  const { h, fill } = window.secnetDom;
  const states = JSON.parse(document.getElementById("states").textContent);
  const at = document.getElementById("at").value;
  const byFeature = new Map(states.map((s) => [s.feature, s]));
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(`--${name}`).trim();
  const svg = d3.select("#world");
  const tooltip = document.getElementById("tooltip");
  const form = document.getElementById("layers");

  const world = await d3.json("/static/vendor/countries-50m.json");
  const countries = topojson.feature(world, world.objects.countries).features
    .filter((f) => f.properties.name !== "Antarctica");
  const projection = d3.geoNaturalEarth1().fitSize([960, 500], { type: "FeatureCollection", features: countries });
  const path = d3.geoPath(projection);
  const stateOf = (f) => byFeature.get(f.id) || byFeature.get(f.properties.name);

  const paths = svg.append("g").selectAll("path").data(countries).join("path")
    .attr("class", "country").attr("d", path).attr("data-iso3", (f) => stateOf(f)?.iso3 ?? null)
    .on("mousemove", (event, f) => {
      const s = stateOf(f);
      tooltip.style.display = "block";
      tooltip.style.left = `${event.clientX + 14}px`;
      tooltip.style.top = `${event.clientY + 10}px`;
      fill(tooltip, ...(s
        ? [h("strong", {}, s.name), h("br"), s.status === "other" ? "no NATO tie" : s.status,
           s.frameworks.length ? [h("br"), `frameworks: ${s.frameworks.join(", ")}`] : null,
           s.formats.length ? [h("br"), `formats: ${s.formats.length}`] : null]
        : [f.properties.name]));
    })
    .on("mouseleave", () => { tooltip.style.display = "none"; })
    .on("click", (event, f) => { const s = stateOf(f); if (s) location.href = `/actors/${encodeURIComponent(s.iso3)}?at=${encodeURIComponent(at)}`; });

  const layers = {
    status: {
      title: () => "NATO members and partners",
      classes: [["ally", "NATO member"], ["aspirant", "aspirant"], ["partner", "partner"]],
      of: (s) => s.status,
    },
    framework: {
      title: () => `Partners in ${document.getElementById("framework").selectedOptions[0]?.text ?? ""}`,
      classes: [["partner", "partner in the framework"], ["ally", "NATO member"]],
      of: (s) => (s.frameworks.includes(document.getElementById("framework").value) ? "partner" : s.status === "ally" ? "ally-faint" : null),
    },
    format: {
      title: () => `Members of ${document.getElementById("format").selectedOptions[0]?.text ?? ""}`,
      classes: [["ally", "member, a NATO ally"], ["partner", "member, not an ally"]],
      of: (s) => (s.formats.includes(document.getElementById("format").value) ? (s.status === "ally" ? "ally" : "partner") : null),
    },
  };
  const paint = { ally: colour("ally"), partner: colour("partner"), aspirant: colour("aspirant"), "ally-faint": "#b7c9dc" };

  function draw() {
    const name = new FormData(form).get("layer");
    const layer = layers[name];
    const coloured = new Set();
    paths.attr("fill", (f) => {
      const s = stateOf(f);
      const cls = s ? layer.of(s) : null;
      if (cls && cls !== "ally-faint") coloured.add(s.iso3);
      return (cls && paint[cls]) || colour("none");
    }).attr("data-class", (f) => { const s = stateOf(f); return (s && layer.of(s)) || ""; });
    const n = coloured.size;
    document.getElementById("layer-title").textContent = layer.title();
    document.getElementById("layer-count").textContent = `${n} states coloured on ${at}.`;
    const swatch = (background) => { const sw = h("span", { class: "sw" }); sw.style.background = background; return sw; };
    fill(document.getElementById("legend"),
         layer.classes.map(([cls, label]) => h("span", {}, swatch(name === "framework" && cls === "ally" ? paint["ally-faint"] : paint[cls]), label)),
         h("span", {}, swatch(colour("none")), "other"));
    svg.attr("data-layer", name).attr("data-coloured", n);
  }
  // A date change reloads the page: keep the chosen layer (it travels in the query string).
  const query = new URLSearchParams(location.search);
  for (const [name, id] of [["fw", "framework"], ["fmt", "format"]]) {
    const sel = document.getElementById(id);
    if (query.get(name) && [...sel.options].some((o) => o.value === query.get(name))) sel.value = query.get(name);
  }
  const chosen = form.querySelector(`input[name=layer][value="${CSS.escape(query.get("layer") || "")}"]`);
  if (chosen) chosen.checked = true;
  form.addEventListener("change", (e) => {
    if (e.target.id === "framework") form.querySelector("input[value=framework]").checked = true;
    if (e.target.id === "format") form.querySelector("input[value=format]").checked = true;
    if (e.target.id !== "at") draw();
  });
  draw();
})();
