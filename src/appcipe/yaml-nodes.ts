import { Scalar, YAMLSeq } from "yaml";

/** A string written in double quotes, for values YAML readers could take for numbers or booleans. */
export function quoted(value: string): Scalar<string> {
  const node = new Scalar(value);
  node.type = Scalar.QUOTE_DOUBLE;
  return node;
}

/** A one-line `[a, b]` sequence, for argv lists and short name lists. */
export function flowSeq(items: (string | number)[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const item of items)
    seq.items.push(typeof item === "string" ? quoted(item) : new Scalar(item));
  return seq;
}
