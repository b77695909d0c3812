/**
 * Splits a command string into argv the way Compose does for `command: "a 'b c'"`: POSIX
 * shell quoting (single quotes literal, double quotes with backslash escapes, backslash
 * outside quotes), but no variable expansion, globbing or operators: it is not `sh -c`.
 */
export class ShellWordsError extends Error {}

export function shellWords(input: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
      continue;
    }
    if (ch === "\\") {
      const next = input[i + 1];
      if (next === undefined) throw new ShellWordsError("the command ends with a lone backslash");
      i += 1;
      if (quote === '"' && !['"', "\\", "$", "`", "\n"].includes(next)) word += "\\";
      if (next !== "\n") word += next;
      inWord = true;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    word += ch;
    inWord = true;
  }
  if (quote) throw new ShellWordsError(`the command has an unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}
