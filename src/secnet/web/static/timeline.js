// Draws participations as bars on a vis-timeline. The rows come from the page's JSON island
// (#timeline-rows, the same rows as the page's JSON twin); data-group names the row field that
// picks the lane, data-label the field shown on the bar. Dates written as a year or a month
// start on the first day of the period; an open end runs to today. Names go in as text (secnetDom.h).
(function () {
  const el = document.getElementById("timeline");
  if (!el) return;
  const { h } = window.secnetDom;
  const rows = JSON.parse(document.getElementById("timeline-rows").textContent);
  const lanes = JSON.parse(el.dataset.groups);
  const today = el.dataset.today;
  const day = (d) => (d.length === 4 ? `${d}-01-01` : d.length === 7 ? `${d}-01` : d);
  // "Not later than" ("[..2014]" or "[2007-06..2014]"): drawn from the upper bound's period, marked
  // not-after, and titled "by 2014"; the joining date itself is unknown.
  const when = (d) => {
    const m = /^\[([0-9-]*)\.\.([0-9-]+)\]$/.exec(d || "");
    return m ? { day: day(m[2]), text: `by ${m[2]}`, by: true } : { day: d ? day(d) : today, text: d, by: false };
  };
  const used = new Set(rows.map((r) => r[el.dataset.group]));
  const groups = new vis.DataSet(lanes.filter(([id]) => used.has(id)).map(([id, content], order) => ({ id, content: h("span", {}, content), order })));
  const items = new vis.DataSet(rows.map((r, i) => {
    const label = r[el.dataset.label];
    const role = r.role.replace(/_/g, " ");
    const s = when(r.start), e = r.end ? when(r.end) : { day: today, text: "today", by: false };
    return {
      // Elements, not strings: vis-timeline would parse a string as HTML (through its own filter).
      id: i, group: r[el.dataset.group], content: h("span", {}, label), className: r.category + (s.by || e.by ? " not-after" : ""),
      start: s.day, end: e.day, type: "range",
      title: h("span", {}, `${label}: ${role}, ${s.text} to ${e.text}`),
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
