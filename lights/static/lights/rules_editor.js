// The rules editor: keeps the line-number gutter in step with the textarea (lines added or removed,
// scrolling), and a click on an error "第 N 行" selects that line in the textarea. Without script the
// numbers drawn by the server and the numbered listing under the errors still name every line.
document.addEventListener("DOMContentLoaded", function () {
  var text = document.querySelector("textarea.rules-text");
  var gutter = document.getElementById("rules-gutter");
  if (!text || !gutter) { return; }
  var errors = {};
  (gutter.dataset.errorLines || "").split(",").forEach(function (line) { if (line) { errors[line] = true; } });

  function draw() {
    var count = text.value.split("\n").length;
    if (count === gutter.childElementCount) { return; }
    var fragment = document.createDocumentFragment();
    for (var number = 1; number <= count; number++) {
      var cell = document.createElement("div");
      cell.textContent = String(number);
      if (errors[number]) { cell.className = "error"; }
      fragment.appendChild(cell);
    }
    gutter.replaceChildren(fragment);
    gutter.scrollTop = text.scrollTop;
  }

  function lineHeight() {
    return parseFloat(window.getComputedStyle(text).lineHeight) || 21;
  }

  function goTo(line) {
    var lines = text.value.split("\n");
    var start = 0;
    for (var index = 0; index < line - 1 && index < lines.length; index++) { start += lines[index].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    text.focus();
    text.setSelectionRange(start, end);
    text.scrollTop = Math.max(0, (line - 3) * lineHeight());
    gutter.scrollTop = text.scrollTop;
    text.scrollIntoView({ block: "center" });
  }

  text.addEventListener("input", draw);
  text.addEventListener("scroll", function () { gutter.scrollTop = text.scrollTop; });
  document.querySelectorAll("a[data-line]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      goTo(Number(link.dataset.line));
    });
  });
  draw();
});
