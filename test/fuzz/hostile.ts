/**
 * Hostile variants of a valid YAML document: a value of the wrong type at every key, an
 * unknown key in every mapping, huge values, deep nesting, and bytes no editor writes. Each
 * variant is YAML text (or bytes), with a label saying what was done where.
 */
import { stringify } from "yaml";

export type Segment = string | number;
export interface Variant {
  label: string;
  data: Buffer;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every path below the root, parents before children. */
export function paths(value: unknown, prefix: Segment[] = []): Segment[][] {
  const children: [Segment, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : isMap(value)
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => [[...prefix, key], ...paths(child, [...prefix, key])]);
}

function get(root: unknown, path: Segment[]): unknown {
  return path.reduce<unknown>((node, seg) => (node as Record<Segment, unknown>)[seg], root);
}

/** A copy of root with the node at path replaced. */
export function withValue(root: unknown, path: Segment[], value: unknown): unknown {
  const copy = structuredClone(root);
  const parent = get(copy, path.slice(0, -1)) as Record<Segment, unknown>;
  parent[path[path.length - 1] as Segment] = value;
  return copy;
}

/** Values of other types than the current one: a list for a scalar, a scalar for a map... */
export function wrongValues(current: unknown): unknown[] {
  if (Array.isArray(current)) return [7, { unexpected: "map" }];
  if (isMap(current)) return ["a string", [1, 2]];
  if (typeof current === "string") return [[current], { [current]: 1 }, -1];
  return ["not-a-number", [current], { value: current }];
}

function text(value: unknown): Buffer {
  return Buffer.from(stringify(value, { aliasDuplicateObjects: false }));
}

export function wrongTypeVariants(root: unknown): Variant[] {
  return paths(root).flatMap((path) =>
    wrongValues(get(root, path)).map((value) => ({
      label: `${JSON.stringify(value)} at ${path.join(".")}`,
      data: text(withValue(root, path, value)),
    })),
  );
}

/** One variant with an unknown key added to every mapping. */
export function unknownKeyVariant(root: unknown, key: string): Variant {
  const copy = structuredClone(root);
  const add = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(add);
    if (!isMap(node)) return;
    Object.values(node).forEach(add);
    node[key] = "unexpected";
  };
  add(copy);
  return { label: `${key} in every mapping`, data: text(copy) };
}

/** Huge values at a scalar path, and a huge document besides. */
export function hugeVariants(root: unknown, path: Segment[]): Variant[] {
  const values: [string, unknown][] = [
    ["a 1 MiB string", "x".repeat(1 << 20)],
    ["a 100000-item list", Array.from({ length: 100_000 }, (_, i) => i)],
    ["a number past float range", 1e308 * 10],
    ["a 2^70 integer", 2n ** 70n],
  ];
  return values.map(([label, value]) => ({
    label: `${label} at ${path.join(".")}`,
    data: text(withValue(root, path, value)),
  }));
}

/** Text that nests deeper than any parser's stack, in flow and in block style. */
export function deepVariants(head: string): Variant[] {
  const block = Array.from({ length: 5000 }, (_, i) => `${" ".repeat(i + 2)}k${i}:\n`).join("");
  return [
    { label: "20000 nested flow lists", data: Buffer.from(`${head}x: ${"[".repeat(20000)}\n`) },
    { label: "5000 nested block mappings", data: Buffer.from(`${head}x:\n${block}`) },
  ];
}

/** An alias bomb: ten levels of nine aliases each, a billion nodes once expanded. */
export function aliasBomb(key: string): Variant {
  const lines = ["  l0: &l0 [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 10; i++)
    lines.push(
      `  l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(", ")}]`,
    );
  return { label: "an alias bomb", data: Buffer.from(`${key}:\n${lines.join("\n")}\n`) };
}

/** The document with bytes spliced into its first string value: NUL, invalid UTF-8, escapes. */
export function byteVariants(valid: string, needle: string): Variant[] {
  const at = valid.indexOf(needle) + needle.length;
  const bytes: [string, number[]][] = [
    ["a NUL byte", [0x00]],
    ["an invalid UTF-8 byte", [0xff]],
    ["an overlong UTF-8 form", [0xc0, 0x80]],
    ["a UTF-16 surrogate in UTF-8", [0xed, 0xa0, 0x80]],
    ["a terminal escape", [0x1b, 0x5b, 0x33, 0x31, 0x6d]],
  ];
  return bytes.map(([label, b]) => ({
    label: `${label} after "${needle}"`,
    data: Buffer.concat([
      Buffer.from(valid.slice(0, at)),
      Buffer.from(b),
      Buffer.from(valid.slice(at)),
    ]),
  }));
}
