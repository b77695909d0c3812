import { useState } from "react";
import { Box, Text } from "ink";
import { diagnosticLines, summaryLine, wrapText, type LineRole } from "../../diagnostic-lines.js";
import { Screen } from "../../components/screen.js";
import { useTheme, type Theme } from "../../theme.js";
import { useLatest } from "../../use-latest.js";
import { useTerminalSize } from "../../use-terminal-size.js";
import type { Problem } from "../../../util/errors.js";
import type { Failure } from "../wizard-state.js";
import { useKeys } from "../../keys.js";

function roleColor(role: LineRole, theme: Theme): string | undefined {
  if (role === "error") return theme.error;
  if (role === "warning") return theme.warn;
  if (role === "heading") return theme.accent;
  return undefined;
}

/**
 * The fix for a failed conversion as the wizard offers it: the converter's own fix speaks of
 * a command line ("the errors above"), while here the problems are listed below.
 */
export function failureFix(failure: Failure, file: string): string | undefined {
  if (failure.problems.length === 0) return failure.fix;
  return `correct the errors below in ${file}, then press esc and choose it again`;
}

/** The failure's lines, wrapped to `width`: the error, then the fix. */
function failureLines(failure: Failure, file: string, width: number): string[] {
  const fix = failureFix(failure, file);
  return [
    ...wrapText(`error: ${failure.message}`, width, "  "),
    ...(fix ? wrapText(`  fix: ${fix}`, width, "       ") : []),
  ];
}

function FailureHead({ lines }: { lines: string[] }) {
  const theme = useTheme();
  return (
    <>
      {lines.map((line, i) => (
        <Text key={i} color={i === 0 ? theme.error : undefined} wrap="truncate">
          {line}
        </Text>
      ))}
    </>
  );
}

/**
 * What the converter said, grouped by service, each problem with its fix. ↑/↓ scroll. When
 * conversion failed, the failure heads the list and the only way on is back to the file.
 */
export function DiagnosticsScreen(props: {
  file: string;
  cwd: string;
  step: string;
  problems: Problem[];
  failure?: Failure;
  onNext: () => void;
}) {
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const [top, setTop] = useState(0);
  const problems = props.failure ? props.failure.problems : props.problems;
  const lines = diagnosticLines(problems, columns, props.cwd);
  const head = props.failure ? failureLines(props.failure, props.file, columns) : [];
  const headRows = head.length + 1;
  const height = Math.max(1, rows - 6 - headRows);
  const maxTop = Math.max(0, lines.length - height);
  const latest = useLatest({ props, height, maxTop });
  useKeys((_input, key) => {
    const { props, height, maxTop } = latest.current;
    if (key.return && !props.failure) props.onNext();
    else if (key.upArrow) setTop((t) => Math.max(0, t - 1));
    else if (key.downArrow || key.pageDown)
      setTop((t) => Math.min(maxTop, t + (key.pageDown ? height : 1)));
    else if (key.pageUp) setTop((t) => Math.max(0, t - height));
  });
  const hints: [string, string][] = props.failure
    ? [
        ["↑↓", "scroll"],
        ["esc", "choose another file"],
        ["q", "quit"],
      ]
    : [
        ["↑↓", "scroll"],
        ["enter", "continue"],
        ["esc", "back"],
        ["q", "quit"],
      ];
  const start = Math.min(top, maxTop);
  return (
    <Screen title={`Diagnostics for ${props.file}`} step={props.step} hints={hints}>
      <FailureHead lines={head} />
      <Text wrap="truncate">{`${summaryLine(problems)}${lines.length > height ? `  (lines ${start + 1}-${Math.min(lines.length, start + height)} of ${lines.length})` : ""}`}</Text>
      <Box flexDirection="column">
        {lines.slice(start, start + height).map((l, i) => (
          <Text
            key={start + i}
            wrap="truncate"
            color={roleColor(l.role, theme)}
            bold={l.role === "heading" && theme.bold}
          >
            {l.text}
          </Text>
        ))}
      </Box>
    </Screen>
  );
}
