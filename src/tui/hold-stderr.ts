/**
 * Holds what is written to stderr while a full-screen UI owns the terminal, and writes it out
 * once the UI is gone. A log line written mid-frame would shift the screen under Ink, which
 * redraws by moving the cursor up over its last frame.
 */
export function holdStderr(stream: NodeJS.WriteStream = process.stderr): { release: () => void } {
  const original = stream.write.bind(stream);
  const held: (string | Uint8Array)[] = [];
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    held.push(chunk);
    const callback = rest.find((r): r is () => void => typeof r === "function");
    callback?.();
    return true;
  }) as typeof stream.write;
  return {
    release: () => {
      stream.write = original;
      for (const chunk of held) original(chunk);
    },
  };
}
