// The heat map's arrow keys: from a cell's link, move the focus to the neighbouring cell.
// Tab and Enter work without this script; nothing here reads or sends anything.
document.addEventListener("keydown", function (event) {
  var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  var move = moves[event.key];
  var link = event.target;
  if (!move || !link.matches || !link.matches("a.cell-link")) {
    return;
  }
  var row = Number(link.getAttribute("data-row")) + move[0];
  var column = Number(link.getAttribute("data-col")) + move[1];
  var next = document.querySelector(
    'a.cell-link[data-row="' + row + '"][data-col="' + column + '"]'
  );
  if (next) {
    next.focus();
    event.preventDefault();
  }
});
