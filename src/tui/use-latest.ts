import { useRef } from "react";

// TODO(limitation): a key that arrives before a new screen's effects run still reaches the
// screen before it; only keys within one screen are covered.
/**
 * A ref that always holds the value of the latest render. Ink's input handlers are swapped in
 * an effect, which React may run after a key already arrived; a handler that reads state
 * through this sees the screen the user sees, not the one before it.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
