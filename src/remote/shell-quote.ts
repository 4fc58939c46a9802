/** One argument for `/bin/sh`, single-quoted: nothing in it is expanded. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A remote path for `/bin/sh`: `~/x` is the user's home (expanded), everything else literal. */
export function shPath(path: string): string {
  if (path === "~") return '"$HOME"';
  if (path.startsWith("~/")) return `"$HOME"/${shQuote(path.slice(2))}`;
  return shQuote(path);
}
