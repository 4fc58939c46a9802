import { describe, expect, it } from "vitest";
import { createLineDiscipline } from "../../src/sandbox/vm/pty-discipline.js";

function terminal() {
  const seen = { program: [] as string[], echo: "", signals: [] as string[], ended: false };
  const discipline = createLineDiscipline({
    toProgram: (text) => seen.program.push(text),
    endOfInput: () => (seen.ended = true),
    echo: (text) => (seen.echo += text),
    signal: (name) => seen.signals.push(name),
  });
  return { seen, type: (text: string) => discipline.input(Buffer.from(text)), discipline };
}

describe("sandbox VM terminal line discipline", () => {
  it("echoes typing and hands the program whole lines, Enter as a newline", () => {
    const { seen, type } = terminal();
    type("ls -l");
    expect(seen.program).toEqual([]);
    type("\r");
    expect(seen.program).toEqual(["ls -l\n"]);
    expect(seen.echo).toBe("ls -l\r\n");
  });

  it("edits the line: erase a character, a word, the whole line", () => {
    const { seen, type } = terminal();
    type("cat filex\x7f\r");
    type("echo one two\x17three\r");
    type("rm -rf ~\x15true\r");
    expect(seen.program).toEqual(["cat file\n", "echo one three\n", "true\n"]);
  });

  it("turns ^C into SIGINT and drops the line, ^D on an empty line into end of input", () => {
    const { seen, type } = terminal();
    type("sleep 100\x03");
    expect(seen.signals).toEqual(["SIGINT"]);
    expect(seen.echo.endsWith("^C\r\n")).toBe(true);
    type("\x04");
    expect(seen.ended).toBe(true);
    expect(seen.program).toEqual([]);
  });

  it("keeps multi-byte characters whole across chunks and when erased", () => {
    const { seen, type, discipline } = terminal();
    const euro = Buffer.from("€");
    discipline.input(euro.subarray(0, 1));
    discipline.input(euro.subarray(1));
    type("€\x7f\r");
    expect(seen.program).toEqual(["€\n"]);
  });

  it("writes program output with CR LF line ends", () => {
    const { discipline } = terminal();
    expect(discipline.output(Buffer.from("a\nb\n")).toString()).toBe("a\r\nb\r\n");
  });
});
