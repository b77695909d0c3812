import { basename, resolve } from "node:path";

/** An app name for a directory: its base name made to fit the name rule, or MyApp. */
export function appNameFor(dir: string): string {
  const cleaned = basename(resolve(dir))
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^[^A-Za-z]+/, "")
    .slice(0, 64);
  return cleaned || "MyApp";
}

/**
 * The recipe `chefer init` writes: it passes `chefer check` as it is, and its comments show
 * the other forms a user is most likely to need next.
 */
export function recipeTemplate(name: string): string {
  return `# appcipe.yml: the recipe chefer builds one executable from.
# Every field is described in docs/appcipe.md. Check this file with \`chefer check\`.
version: "0.1"

# The app's name: the executable's file name and the name of its data directory.
# Letters, digits, _ and -, starting with a letter.
name: ${JSON.stringify(name)}

# Shown by \`chefer check\` and \`chefer inspect\`; not passed to the services.
app_version: "0.1.0"

# bridge: the app has its own network and can reach the internet (the default).
# internal: its own network without internet access. shared: the user's network, no isolation.
network: bridge

# Named volumes keep data between runs, in the app's data directory on the user's machine.
volumes:
  data: {}

services:
  web:
    # A registry image, pinned by a tag or a digest, pulled when the app is built...
    image: nginx:1.27-alpine
    # ...or an archive from \`docker save\` or an OCI layout, relative to this file:
    # image: ./images/web.tar
    # ...or an image in the local Docker engine, or a Dockerfile to build:
    # image: { source: docker, ref: myapp:dev }
    # image: { source: dockerfile, context: ./web }

    # Replace the image's command: a list runs as is, a string runs through /bin/sh -c.
    # cmd: ["nginx", "-g", "daemon off;"]

    # env:
    #   LOG_LEVEL: info

    # "HOST:CONTAINER" listens on 127.0.0.1 only; "0.0.0.0:8080:80" accepts other machines too.
    ports:
      - "8080:80"

    # VOLUME:PATH keeps PATH between runs; add :ro to mount it read-only.
    volumes:
      - "data:/usr/share/nginx/html"

    # none: a background service. gui: opens windows. terminal: talks to the user's terminal.
    interface_mode: none

  # A second service starts after the ones it depends on:
  # worker:
  #   image: ./images/worker.tar
  #   depends_on:
  #     web: { condition: service_healthy }
`;
}
