import { createContext, useContext, useLayoutEffect, useRef, type ReactNode } from "react";
import { useInput, useStdin, type Key } from "ink";
import { useLatest } from "./use-latest.js";

export type KeyHandler = (input: string, key: Key) => void;
type Handlers = Set<{ readonly current: KeyHandler }>;

const KeyContext = createContext<Handlers | null>(null);

// TODO(limitation): keys that arrive within a few milliseconds of the key that changed the
// screen (a paste, a script) can still reach the screen before; see docs/limitations.md.
/**
 * Reads keys once, at the root, and hands each to every handler registered with `useKeys`.
 * Ink's own useInput attaches a handler in an effect that React may run after the next key
 * has arrived, so a key pressed right after a screen changes could reach the screen before.
 * Handlers here are registered in layout effects, which run in the same commit as the screen
 * they belong to, and React commits before the next read from the terminal: the next key
 * meets the screen the user sees.
 */
export function KeyRouter({ children }: { children: ReactNode }) {
  const handlers = useRef<Handlers>(new Set());
  const { setRawMode, isRawModeSupported } = useStdin();
  // Raw mode before any child's effect runs: a child may block the event loop (a conversion),
  // and keys typed meanwhile on a cooked terminal would echo and push the screen down.
  useLayoutEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode, isRawModeSupported]);
  useInput((input, key) => {
    for (const handler of [...handlers.current]) handler.current(input, key);
  });
  return <KeyContext.Provider value={handlers.current}>{children}</KeyContext.Provider>;
}

/**
 * Calls `handler` for each key while `active`. Under a KeyRouter it is registered in the same
 * commit as the component; rendered alone (a test, a lone component) it falls back to useInput.
 */
export function useKeys(handler: KeyHandler, active = true): void {
  const handlers = useContext(KeyContext);
  const latest = useLatest(handler);
  useLayoutEffect(() => {
    if (!handlers || !active) return;
    handlers.add(latest);
    return () => {
      handlers.delete(latest);
    };
  }, [handlers, active, latest]);
  useInput((input, key) => latest.current(input, key), { isActive: handlers === null && active });
}
