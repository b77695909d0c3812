/**
 * Cuts a byte stream into lines: returns a handler for 'data' chunks that calls `onLines`
 * with the complete lines of each chunk, and a flush for the unterminated tail at the end.
 */
export function lineSplitter(onLines: (lines: string[]) => void) {
  let rest = "";
  const push = (chunk: Buffer | string) => {
    const parts = (rest + chunk.toString()).split("\n");
    rest = parts.pop() ?? "";
    if (parts.length > 0) onLines(parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)));
  };
  const flush = () => {
    if (rest !== "") onLines([rest]);
    rest = "";
  };
  return { push, flush };
}
