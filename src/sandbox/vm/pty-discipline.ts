import { StringDecoder } from "node:string_decoder";

export interface TerminalSide {
  /** A finished line (or a ^D-flushed partial one) for the program's stdin. */
  toProgram(text: string): void;
  /** ^D on an empty line: the program's stdin ends. */
  endOfInput(): void;
  /** What the terminal shows back to the user. */
  echo(text: string): void;
  /** ^C / ^\ : a signal for the program's process group. */
  signal(name: "SIGINT" | "SIGQUIT"): void;
}

export interface LineDiscipline {
  input(chunk: Buffer): void;
  output(chunk: Buffer): Buffer;
}

/**
 * The part of a terminal's line discipline an interactive client relies on when the sandbox runs
 * the shell without a real pty: the client's terminal is in raw mode and expects the far side to
 * echo, edit lines (erase, kill, word erase), turn Enter into a newline, ^C into SIGINT, ^D into
 * end of input, and output newlines into CR LF. Full-screen programs will not work: there is no pty.
 */
export function createLineDiscipline(side: TerminalSide): LineDiscipline {
  const decoder = new StringDecoder("utf8");
  let line: string[] = [];

  const erase = (count: number): void => {
    const removed = line.splice(line.length - count, count);
    side.echo(removed.map(() => "\b \b").join(""));
  };

  const onChar = (ch: string): void => {
    switch (ch) {
      case "\x03":
      case "\x1c":
        side.echo(ch === "\x03" ? "^C\r\n" : "^\\\r\n");
        line = [];
        side.signal(ch === "\x03" ? "SIGINT" : "SIGQUIT");
        return;
      case "\x04":
        if (line.length === 0) side.endOfInput();
        else side.toProgram(line.join(""));
        line = [];
        return;
      case "\x7f":
      case "\b":
        if (line.length > 0) erase(1);
        return;
      case "\x15":
        erase(line.length);
        return;
      case "\x17": {
        let n = 0;
        while (n < line.length && line[line.length - 1 - n] === " ") n++;
        while (n < line.length && line[line.length - 1 - n] !== " ") n++;
        erase(n);
        return;
      }
      case "\r":
      case "\n":
        side.echo("\r\n");
        side.toProgram(`${line.join("")}\n`);
        line = [];
        return;
      default:
        line.push(ch);
        side.echo(ch < " " && ch !== "\t" ? `^${String.fromCharCode(ch.charCodeAt(0) + 64)}` : ch);
    }
  };

  return {
    input(chunk) {
      for (const ch of decoder.write(chunk)) onChar(ch);
    },
    output(chunk) {
      return Buffer.from(chunk.toString("latin1").replaceAll("\n", "\r\n"), "latin1");
    },
  };
}
