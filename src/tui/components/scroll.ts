/**
 * The slice of a list of `count` rows to show in `height` rows so `cursor` stays visible,
 * kept near the middle once the list scrolls.
 */
export function scrollWindow(
  cursor: number,
  count: number,
  height: number,
): { start: number; end: number } {
  if (count <= height) return { start: 0, end: count };
  const half = Math.floor(height / 2);
  const start = Math.min(Math.max(0, cursor - half), count - height);
  return { start, end: start + height };
}
