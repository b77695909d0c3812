import { useCallback, useRef, useState } from "react";

/**
 * State whose latest value input handlers can read at once. Keys typed faster than React
 * renders (a paste, tmux send-keys) each see the change the key before made: `set` updates
 * the ref synchronously and schedules the render.
 */
export function useSyncState<T>(initial: T | (() => T)) {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const set = useCallback((next: T | ((prev: T) => T)) => {
    ref.current = typeof next === "function" ? (next as (prev: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref] as const;
}
