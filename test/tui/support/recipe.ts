import type { Recipe, Service } from "../../../src/appcipe/types.js";
import { plainRecipe, plainService } from "../../../src/pack/recipe-helpers.js";

/** A service with every field at its plain default, changed by `over`. */
export function service(name: string, over: Partial<Service> = {}): Service {
  return plainService(name, { source: "image", ref: `example/${name}:1` }, over);
}

/** A recipe named demo holding `services` and `volumes`. */
export function recipe(services: Service[], volumes: string[] = []): Recipe {
  return plainRecipe("demo", services, {
    volumes: Object.fromEntries(volumes.map((name) => [name, { name }])),
    services,
    file: "/tmp/demo/appcipe.yml",
  });
}

/** The visits demo's shape: web publishes a port and depends on db, which keeps its data in a volume. */
export function visitsRecipe(): Recipe {
  const port = { hostIp: "127.0.0.1", protocol: "tcp" as const };
  return recipe(
    [
      service("db", {
        mounts: [{ type: "volume", source: "redis-data", target: "/data", readOnly: false }],
        ports: [
          { ...port, hostStart: 6379, hostEnd: 6379, containerStart: 6379, containerEnd: 6379 },
        ],
      }),
      service("web", {
        dependsOn: [{ service: "db", condition: "service_healthy", required: true }],
        ports: [
          { ...port, hostStart: 18080, hostEnd: 18080, containerStart: 8080, containerEnd: 8080 },
        ],
      }),
    ],
    ["redis-data"],
  );
}
