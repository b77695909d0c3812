import { Box, Text } from "ink";
import { visibleSteps, type BuildProgressState, type StepView } from "../build-progress.js";
import { formatBytes } from "../../util/progress.js";
import { useTheme } from "../theme.js";
import { ProgressBar } from "./progress-bar.js";

const BAR_WIDTH = 20;

/** "3/12" for items, "12.0 MiB/40.0 MiB" for bytes; the total only once it is known. */
export function amountText(s: StepView): string {
  const show = (n: number) => (s.unit === "bytes" ? formatBytes(n) : String(n));
  return s.total === undefined ? show(s.done) : `${show(s.done)}/${show(s.total)}`;
}

function StepRow({ s, columns }: { s: StepView; columns: number }) {
  const theme = useTheme();
  if (s.finished) {
    return <Text dimColor={theme.dim} wrap="truncate">{`✓ ${s.label}`}</Text>;
  }
  const labelWidth = Math.max(10, columns - BAR_WIDTH - 24);
  const label =
    s.label.length > labelWidth
      ? `${s.label.slice(0, labelWidth - 1)}…`
      : s.label.padEnd(labelWidth);
  return (
    <Text wrap="truncate">
      {`  ${label} `}
      <ProgressBar done={s.done} total={s.total} width={BAR_WIDTH} />
      {` ${amountText(s)}`}
    </Text>
  );
}

/**
 * Live progress of a build: a row per image pull, layer and compression step, running steps
 * with a bar, finished ones ticked, and the latest warnings, all within `rows` lines.
 */
export function BuildProgressView(props: {
  state: BuildProgressState;
  columns: number;
  rows: number;
}) {
  const theme = useTheme();
  const warnings = props.state.messages.filter((m) => m.level === "warn").slice(-2);
  const { shown, hidden } = visibleSteps(
    props.state,
    Math.max(1, props.rows - warnings.length - 1),
  );
  return (
    <Box flexDirection="column">
      {hidden > 0 ? <Text dimColor={theme.dim}>{`✓ ${hidden} earlier steps done`}</Text> : null}
      {shown.map((s) => (
        <StepRow key={s.step} s={s} columns={props.columns} />
      ))}
      {warnings.map((m, i) => (
        <Text key={i} color={theme.warn} wrap="truncate">{`warning: ${m.text}`}</Text>
      ))}
    </Box>
  );
}
