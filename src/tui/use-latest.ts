import { useRef } from "react";

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
