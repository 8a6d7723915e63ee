// Draws participations as bars on a vis-timeline. The rows come from the page's JSON island
// (#timeline-rows, the same rows as the page's JSON twin); data-group names the row field that
// picks the lane, data-label the field shown on the bar. Dates written as a year or a month
// start on the first day of the period; an open end runs to today.
(function () {
  const el = document.getElementById("timeline");
  if (!el) return;
  const rows = JSON.parse(document.getElementById("timeline-rows").textContent);
  const lanes = JSON.parse(el.dataset.groups);
  const today = el.dataset.today;
  const day = (d) => (d.length === 4 ? `${d}-01-01` : d.length === 7 ? `${d}-01` : d);
  const used = new Set(rows.map((r) => r[el.dataset.group]));
  const groups = new vis.DataSet(lanes.filter(([id]) => used.has(id)).map(([id, content], order) => ({ id, content, order })));
  const items = new vis.DataSet(rows.map((r, i) => {
    const label = r[el.dataset.label];
    const role = r.role.replace(/_/g, " ");
    return {
      id: i, group: r[el.dataset.group], content: label, className: r.category,
      start: day(r.start), end: r.end ? day(r.end) : today, type: "range",
      title: `${label}: ${role}, ${r.start} to ${r.end || "today"}`,
    };
  }));
  if (el.dataset.founded) {
    items.add({ id: "life", type: "background", start: day(el.dataset.founded), end: el.dataset.ended ? day(el.dataset.ended) : today,
                className: "lifetime" });
  }
  const later = new Date(today);
  later.setFullYear(later.getFullYear() + 3);
  const timeline = new vis.Timeline(el, items, groups, {
    stack: true, maxHeight: 520, showCurrentTime: false, zoomKey: "ctrlKey", orientation: "top", end: later,
    margin: { item: { horizontal: 2, vertical: 2 } }, tooltip: { followMouse: true },
  });
  if (el.dataset.at) {  // the date the page shows, as a marked line
    timeline.addCustomTime(day(el.dataset.at), "at");
    timeline.setCustomTimeMarker(el.dataset.at, "at");
  }
  timeline.on("changed", () => el.setAttribute("data-drawn", "true"));
  window.secnetTimeline = timeline;
})();
