// "Sam is typing…": who is typing, by user id. A name goes when that person's message lands,
// or after 4 s without another typing frame (the sender repeats it every 3 s while typing).

export function createTypingLine(line) {
  const typers = new Map();

  function show() {
    const names = [...typers.values()].map((typer) => typer.name);
    if (!names.length) line.textContent = "";
    else if (names.length === 1) line.textContent = `${names[0]} is typing…`;
    else line.textContent = `${names.slice(0, -1).join(", ")} and ${names.at(-1)} are typing…`;
  }

  function stop(userId) {
    const typer = typers.get(userId);
    if (!typer) return;
    clearTimeout(typer.timer);
    typers.delete(userId);
    show();
  }

  function start(user) {
    clearTimeout(typers.get(user.id)?.timer);
    typers.set(user.id, {
      name: user.name.split(" ")[0],
      timer: setTimeout(() => stop(user.id), 4000),
    });
    show();
  }

  return { start, stop };
}
