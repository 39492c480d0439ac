"""The page's CSS and its two small scripts, kept apart from the layout (no gradio here).

System fonts only and nothing remote: the page must not fetch anything from outside 127.0.0.1.
"""

from __future__ import annotations

CSS = """
.coach-original { line-height: 1.7; white-space: normal; overflow-wrap: anywhere; }
mark.pt { border-radius: 3px; padding: 0 2px; cursor: help; background: #fde68a; color: #111; }
mark.pt-tool { background: #bfdbfe; } mark.pt-ceremony { background: #fbcfe8; }
mark.pt-artifact { background: #ddd6fe; } mark.pt-activity { background: #fde68a; }
mark.pt-methodology { background: #c7d2fe; } mark.pt-effort { background: #fed7aa; }
mark.pt-filler { background: #e5e7eb; }
mark.pt:focus { outline: 2px solid #4f46e5; }
.coach-spans li, .coach-questions li { margin: 0.25em 0; }
.coach-spans .ask { color: #4b5563; font-style: italic; }
.coach-caption, .coach-empty, .coach-meta { color: #4b5563; font-size: 0.9em; }
.coach-status { color: #991b1b; font-weight: 600; margin: 0; }
.coach-notice { color: inherit; }
#status:not(:has(.coach-status)), #style-note:not(:has(p)) { display: none !important; }
.coach-findings li { color: #92400e; }
.coach-cite { border: 1px solid #e5e7eb; border-radius: 6px; padding: 0.4em 0.7em; margin: 0.4em 0; }
.coach-cite summary { cursor: pointer; font-weight: 600; }
.coach-cite .section { font-weight: 400; color: #4b5563; }
.coach-cite blockquote { margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #c7d2fe; }
.coach-align, .coach-changes { width: 100%; border-collapse: collapse; font-size: 0.92em; }
.coach-align td, .coach-align th, .coach-changes td, .coach-changes th {
  border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left; vertical-align: top; }
.coach-changes td.src, .coach-changes td.became { width: 45%; overflow-wrap: anywhere; }
.coach-changes .badge { display: inline-block; border-radius: 9px; padding: 0 7px;
  background: #e0e7ff; color: #3730a3; font-size: 0.85em; white-space: nowrap; }
.coach-changes tr.kind-set-aside .badge { background: #f3f4f6; color: #374151; }
.coach-changes tr.kind-folded .badge { background: #fef3c7; color: #92400e; }
.coach-changes tr.kind-kept .badge { background: #dcfce7; color: #166534; }
.coach-changes tbody tr:hover, .coach-changes tbody tr:focus, .coach-changes tbody tr.lit {
  background: #eef2ff; outline: none; }
.coach-score { display: flex; flex-wrap: wrap; gap: 8px; }
.coach-score .card { flex: 1 1 120px; border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px; }
.coach-score .label { font-size: 0.8em; color: #4b5563; }
.coach-score .value { font-size: 1.3em; font-weight: 700; }
.coach-score .note { font-size: 0.75em; color: #6b7280; }
.coach-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.coach-charts figure { margin: 0; } .coach-charts img { width: 100%; height: auto; display: block; }
.coach-charts figcaption { font-size: 0.85em; color: #4b5563; }
.coach-bar { display: flex; height: 18px; border-radius: 4px; overflow: hidden; background: #f3f4f6; }
.coach-bar .seg { display: block; height: 100%; }
.coach-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; padding: 0;
  margin: 6px 0; font-size: 0.9em; }
.coach-legend .dot { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 5px; }
.coach-failures table { width: 100%; border-collapse: collapse; font-size: 0.92em; }
.coach-failures td, .coach-failures th { border-bottom: 1px solid #e5e7eb; padding: 4px 6px;
  text-align: left; vertical-align: top; }
.coach-failures summary, .coach-unlinked summary { cursor: pointer; color: #92400e; }
.coach-unlinked { margin-top: 0.5em; }
.coach-batch-chart { margin: 8px 0; max-width: 640px; }
.coach-batch-chart img { width: 100%; height: auto; display: block; }
.coach-batch-chart figcaption { font-size: 0.85em; color: #4b5563; }
#batch-status:not(:has(.coach-status)) { display: none !important; }
#style-note p { color: #92400e; font-size: 0.9em; margin: 0; }
@media (max-width: 640px) {
  .coach-align td:nth-child(4), .coach-align th:nth-child(4) { display: none; }
  .tab-wrapper button[role="tab"], .tab-container button { padding-left: 8px; padding-right: 8px; }
}
"""

# Ctrl+Enter (Cmd+Enter) rewrites: keyboard users never need the mouse. Hovering or focusing a
# row of the side-by-side view lights up every row that became the same sentence (folded).
HEAD = """<script>
document.addEventListener('keydown', function (e) {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    var b = document.getElementById('rewrite-btn'); if (b) { e.preventDefault(); b.click(); }
  }
});
function coachLight(e, on) {
  var row = e.target.closest && e.target.closest('.coach-changes tr[data-group]');
  if (!row) return;
  document.querySelectorAll('.coach-changes tr[data-group="' + row.dataset.group + '"]')
    .forEach(function (r) { r.classList.toggle('lit', on); });
}
document.addEventListener('mouseover', function (e) { coachLight(e, true); });
document.addEventListener('mouseout', function (e) { coachLight(e, false); });
document.addEventListener('focusin', function (e) { coachLight(e, true); });
document.addEventListener('focusout', function (e) { coachLight(e, false); });
</script>"""

# After a rewrite on a narrow screen the result is below the form: bring it into view.
SHOW_RESULT = """() => {
  if (window.innerWidth < 800) {
    var el = document.getElementById('result');
    if (el) el.scrollIntoView({block: 'start'});
  }
}"""
