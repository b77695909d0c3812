import { formatBytes } from "../util/progress.js";
import type { ExecutableInfo } from "./inspect.js";
import type { ManifestBlob, ManifestMount, ManifestService } from "./manifest.js";

/** The text `chefer inspect` prints: footer, app, then each service with its layers. */
export function describeExecutable(info: ExecutableInfo): string {
  const { footer, manifest: m } = info;
  const blobs = new Map(m.blobs.map((b) => [b.digest, b]));
  const payload = footer.manifestOffset - footer.payloadOffset;
  const lines = [
    row("file", `${info.path} (${formatBytes(footer.fileSize)})`),
    row("format", `${footer.formatVersion}, built by ${m.builder} for ${m.target}`),
    row("runtime", `${formatBytes(footer.payloadOffset)}`),
    row(
      "payload",
      `${formatBytes(payload)} in ${plural(m.blobs.length, "blob")}, manifest ${formatBytes(footer.manifestSize)}`,
    ),
    "",
    row("app", `${m.app.name}${m.app.app_version ? ` ${m.app.app_version}` : ""}`),
    row("network", m.app.network),
    row("console", m.app.console),
    row("data dir", m.app.data_dir ?? "(default)"),
    row("volumes", m.volumes.join(", ") || "(none)"),
  ];
  for (const s of m.services) lines.push("", ...describeService(s, blobs));
  return `${lines.join("\n")}\n`;
}

function row(key: string, value: string, indent = ""): string {
  return `${indent}${key.padEnd(10)} ${value}`;
}

function describeService(s: ManifestService, blobs: Map<string, ManifestBlob>): string[] {
  const layers = s.layers.map((d) => blobs.get(d));
  const csize = layers.reduce((n, b) => n + (b?.size ?? 0), 0);
  const usize = layers.reduce((n, b) => n + (b?.usize ?? 0), 0);
  const i = "  ";
  const lines = [
    `service ${s.name} (${s.platform})`,
    row("command", [...s.entrypoint, ...s.cmd].map(quote).join(" ") || "(none)", i),
    row("workdir", s.workdir, i),
    row("user", s.user || "(root)", i),
    row(
      "layers",
      `${s.layers.length}: ${formatBytes(csize)} packed, ${formatBytes(usize)} unpacked`,
      i,
    ),
    ...s.layers.map(
      (d) =>
        `${i}  ${d} ${formatBytes(blobs.get(d)?.size ?? 0)} -> ${formatBytes(blobs.get(d)?.usize ?? 0)}`,
    ),
  ];
  if (s.ports.length) lines.push(row("ports", s.ports.map(portText).join(", "), i));
  if (s.mounts.length) lines.push(row("mounts", s.mounts.map(mountText).join(", "), i));
  if (s.healthcheck)
    lines.push(
      row(
        "health",
        `${s.healthcheck.test.map(quote).join(" ")} every ${s.healthcheck.interval_ms / 1000}s`,
        i,
      ),
    );
  for (const f of s.files)
    lines.push(
      row(
        "file",
        `${f.target} (${f.blob.slice(0, 19)}…, mode ${f.mode.toString(8).padStart(4, "0")})`,
        i,
      ),
    );
  if (s.depends_on.length)
    lines.push(
      row("depends", s.depends_on.map((d) => `${d.service} (${d.condition})`).join(", "), i),
    );
  return lines;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function range(a: number, b: number): string {
  return a === b ? `${a}` : `${a}-${b}`;
}

function portText(p: ManifestService["ports"][number]): string {
  return `${p.host_ip}:${range(p.host_start, p.host_end)}->${range(p.container_start, p.container_end)}/${p.protocol}`;
}

function mountText(m: ManifestMount): string {
  if (m.type === "tmpfs") return `tmpfs:${m.target}`;
  return `${m.type === "volume" ? "" : "bind "}${m.source}:${m.target}${m.read_only ? ":ro" : ""}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
