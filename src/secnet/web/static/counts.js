// Members and partners per year (31 December; today for the current year) as two step lines,
// from the page's JSON island (#count-rows, the "counts" of the page's JSON twin).
(function () {
  const svg = d3.select("#counts");
  if (svg.empty()) return;
  const rows = JSON.parse(document.getElementById("count-rows").textContent);
  if (!rows.length) return;
  const width = 960, height = 150, m = { top: 10, right: 110, bottom: 22, left: 34 };
  svg.attr("viewBox", `0 0 ${width} ${height}`);
  const x = d3.scaleLinear().domain(d3.extent(rows, (r) => r.year)).range([m.left, width - m.right]);
  const y = d3.scaleLinear().domain([0, d3.max(rows, (r) => Math.max(r.members, r.partners)) || 1]).nice()
    .range([height - m.bottom, m.top]);
  svg.append("g").attr("transform", `translate(0,${height - m.bottom})`)
    .call(d3.axisBottom(x).ticks(12).tickFormat(d3.format("d")));
  svg.append("g").attr("transform", `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(4));
  const css = getComputedStyle(document.documentElement);
  const series = [["members", css.getPropertyValue("--ally").trim()], ["partners", css.getPropertyValue("--partner").trim()]];
  for (const [key, colour] of series) {
    if (!rows.some((r) => r[key] > 0)) continue;
    svg.append("path").datum(rows).attr("class", `count-${key}`).attr("fill", "none").attr("stroke", colour)
      .attr("stroke-width", 2).attr("d", d3.line().curve(d3.curveStepAfter).x((r) => x(r.year)).y((r) => y(r[key])));
    const last = rows[rows.length - 1];
    svg.append("text").attr("x", x(last.year) + 6).attr("y", y(last[key]) + 4).attr("fill", colour)
      .attr("font-size", 12).text(`${last[key]} ${key}`);
  }
})();
