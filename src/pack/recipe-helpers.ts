import { RECIPE_VERSION, type ImageSource, type Recipe, type Service } from "../appcipe/types.js";

/** A service with every optional setting at its default, for callers that build recipes in code. */
export function plainService(
  name: string,
  image: ImageSource,
  over: Partial<Service> = {},
): Service {
  return {
    name,
    image,
    env: {},
    mounts: [],
    files: [],
    ports: [],
    expose: [],
    interfaceMode: "none",
    dependsOn: [],
    restart: { policy: "no" },
    aliases: [],
    extraHosts: [],
    init: false,
    gpu: false,
    ...over,
  };
}

/** A recipe around some services, with app-level defaults; `file` anchors relative paths. */
export function plainRecipe(name: string, services: Service[], over: Partial<Recipe> = {}): Recipe {
  return {
    version: RECIPE_VERSION,
    name,
    oldNames: [],
    crash: "fail_fast",
    network: "bridge",
    console: "auto",
    volumes: {},
    services: [...services].sort((a, b) => (a.name < b.name ? -1 : 1)),
    file: `${process.cwd()}/appcipe.yml`,
    ...over,
  };
}
