/**
 * Splits a command string into argv the way docker compose does for `command: "a 'b c'"`
 * (compose-go uses go-shellwords with environment and backtick expansion off): quotes group
 * words, a backslash escapes the next character outside single quotes (`\t` and `\n` become
 * a tab and a newline), `$(...)` and backticks are kept literally, and an unquoted `;`, `&`,
 * `|`, `<` or `>` ends the command: docker compose silently drops what follows. It is not
 * `sh -c`.
 */
export class ShellWordsError extends Error {}

export interface ShellWords {
  argv: string[];
  /** What docker compose drops: the text from the first unquoted operator on. */
  dropped?: string;
}

interface State {
  word: string;
  inWord: boolean;
  quote: "'" | '"' | undefined;
  /** Inside `$(...)` or backticks, where spaces and quotes are kept as written. */
  nested: "$(" | "`" | undefined;
  escaped: boolean;
}

const OPERATORS = new Set([";", "&", "|", "<", ">"]);

export function shellWords(input: string): ShellWords {
  const words: string[] = [];
  const s: State = { word: "", inWord: false, quote: undefined, nested: undefined, escaped: false };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (s.escaped) {
      escapedChar(s, ch);
      continue;
    }
    if (!s.quote && !s.nested && OPERATORS.has(ch)) {
      // A redirection's file descriptor (`2>`) goes with the operator, not into argv.
      const fd = ch === ">" && /^\d+$/.test(s.word) ? s.word.length : 0;
      if (fd) s.inWord = false;
      finishWord(s, words);
      return { argv: words, dropped: input.slice(i - fd) };
    }
    if (/[ \t\r\n]/.test(ch) && !s.quote && !s.nested) finishWord(s, words);
    else step(s, ch);
  }
  if (s.escaped || s.quote || s.nested) throw new ShellWordsError(unterminated(s));
  finishWord(s, words);
  return { argv: words };
}

function escapedChar(s: State, ch: string): void {
  s.escaped = false;
  s.inWord = true;
  if (s.nested) s.word += `\\${ch}`;
  else s.word += ch === "t" ? "\t" : ch === "n" ? "\n" : ch;
}

function finishWord(s: State, words: string[]): void {
  if (s.inWord) words.push(s.word);
  s.word = "";
  s.inWord = false;
}

function step(s: State, ch: string): void {
  if (ch === "\\" && s.quote !== "'") {
    s.escaped = true;
    return;
  }
  if ((ch === '"' || ch === "'") && !s.nested && (!s.quote || s.quote === ch)) {
    s.quote = s.quote ? undefined : ch;
    s.inWord = true;
    return;
  }
  if (!s.quote) nesting(s, ch);
  s.word += ch;
  s.inWord = true;
}

function nesting(s: State, ch: string): void {
  if (ch === "`" && s.nested !== "$(") s.nested = s.nested ? undefined : "`";
  else if (ch === "(" && !s.nested && s.word.endsWith("$")) s.nested = "$(";
  else if (ch === ")" && s.nested === "$(") s.nested = undefined;
  else if ((ch === "(" || ch === ")") && !s.nested) {
    throw new ShellWordsError(`the command has a bare "${ch}", which docker compose rejects`);
  }
}

function unterminated(s: State): string {
  if (s.escaped) return "the command ends with a lone backslash";
  if (s.quote) return `the command has an unterminated ${s.quote} quote`;
  return `the command has an unterminated ${s.nested === "`" ? "backtick" : "$("}`;
}
