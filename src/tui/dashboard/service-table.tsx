import { Box, Text } from "ink";
import { portAddress, type ServiceView } from "../events.js";
import { useTheme, type Theme } from "../theme.js";

const NAME_WIDTH = 16;
const STATE_WIDTH = 20;
const RESTARTS_WIDTH = 9;

/** A service's state as one word or two: "running", "running healthy", "exited 1". */
export function stateText(s: ServiceView): string {
  if (s.state === "exited" && s.exitCode !== undefined) return `exited ${s.exitCode}`;
  if (s.health && (s.state === "running" || s.state === "starting"))
    return `${s.state} ${s.health.status}`;
  return s.state;
}

function stateColor(s: ServiceView, theme: Theme): string | undefined {
  if (s.state === "unhealthy" || s.health?.status === "unhealthy") return theme.error;
  if (s.state === "exited") return s.exitCode === 0 ? undefined : theme.error;
  if (s.state === "running" || s.state === "healthy") return theme.ok;
  return theme.warn;
}

function cell(text: string, width: number): string {
  return text.length >= width ? `${text.slice(0, width - 2)}… ` : text.padEnd(width);
}

function Row(props: { service: ServiceView; selected: boolean }) {
  const theme = useTheme();
  const { service: s, selected } = props;
  const ports = s.ports.map(portAddress).join(" ") || "-";
  return (
    <Text wrap="truncate">
      <Text bold={selected && theme.bold}>
        {cell(`${selected ? "›" : " "} ${s.name}`, NAME_WIDTH)}
      </Text>
      <Text color={stateColor(s, theme)}>{cell(stateText(s), STATE_WIDTH)}</Text>
      {cell(String(s.restarts), RESTARTS_WIDTH)}
      {ports}
    </Text>
  );
}

/** One row per service: name, state and health, restarts, and its published ports as URLs. */
export function ServiceTable(props: { services: ServiceView[]; selected: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text dimColor={theme.dim} wrap="truncate">
        {cell("  SERVICE", NAME_WIDTH) +
          cell("STATE", STATE_WIDTH) +
          cell("RESTARTS", RESTARTS_WIDTH) +
          "PORTS"}
      </Text>
      {props.services.map((s, i) => (
        <Row key={s.name} service={s} selected={i === props.selected} />
      ))}
    </Box>
  );
}
