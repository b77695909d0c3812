/** docs/compose-mapping.md, generated from the mapping table so the two never disagree. */
import { MAPPING, type MappingAction, type MappingRow } from "./mapping-table.js";

const ACTION_TEXT: Record<MappingAction, string> = {
  translated: "translated",
  changed: "translated with a change (warned where it applies)",
  ignored: "ignored with a warning",
  error: "error",
};

const SECTIONS: [string, (key: string) => boolean][] = [
  [
    "Top level",
    (k) => !k.startsWith("services.") && !/^(networks|volumes|configs|secrets)\.\*\./.test(k),
  ],
  ["Services", (k) => k.startsWith("services.")],
  [
    "Top-level networks, volumes, configs and secrets",
    (k) => /^(networks|volumes|configs|secrets)\.\*\./.test(k),
  ],
];

function escape(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function line(row: MappingRow): string {
  const fix = row.fix ? escape(row.fix) : "";
  return `| \`${row.key}\` | ${ACTION_TEXT[row.action]} | ${escape(row.note)} | ${fix} |`;
}

/** The whole page as Markdown. */
export function renderMappingDoc(): string {
  const out = [
    "# Compose keys and what `chefer from-compose` does with them",
    "",
    "Generated from `src/convert/mapping-table.ts` by `npx tsx scripts/gen-compose-mapping.ts`;",
    "do not edit by hand. `*` stands for any name, `[]` for any list item. Keys starting with",
    "`x-` are extensions and are left alone, as the compose specification says.",
    "",
    "Every warning and error is printed as `file:line:col: severity[code]: path: what happens",
    "instead; fix: how to change it`. `--strict` makes warnings fatal (exit status 3).",
  ];
  for (const [title, match] of SECTIONS) {
    out.push(
      "",
      `## ${title}`,
      "",
      "| key | what happens | details | how to change it |",
      "|---|---|---|---|",
    );
    for (const row of MAPPING.filter((r) => match(r.key))) out.push(line(row));
  }
  return `${out.join("\n")}\n`;
}
