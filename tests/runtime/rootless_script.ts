// Run by rootless_test.ts as the rootless engine's user, with the engine's DOCKER_HOST: a session
// as the host user, one with --root (`root`), or pygent doctor's sandbox check (`doctor`); prints
// what it saw as one JSON line.
import { parseDockerHost } from "../../lib/docker/mod.ts";
import { checkSandbox } from "../../lib/doctor/sandbox_check.ts";
import { createRuntime, type RuntimeEvent } from "../../lib/runtime/mod.ts";
import { resolveRuntimeOptions } from "../../lib/runtime/options.ts";

const [workspace, image, host, mode] = Deno.args;
const notices: string[] = [];
const options = {
  docker: true,
  workspace,
  image,
  ...(mode === "root" ? { user: "root" as const } : {}),
  getEnv: (name: string) => name === "DOCKER_HOST" ? host : Deno.env.get(name),
  onEvent: (event: RuntimeEvent) => {
    if (event.type === "notice") notices.push(event.message);
  },
};
try {
  if (mode === "doctor") {
    const probe = await checkSandbox({
      endpoint: parseDockerHost(host),
      options: resolveRuntimeOptions(options),
      timeoutMs: 15_000,
    });
    console.log(JSON.stringify({ ok: true, outcome: probe.outcome, notices }));
  } else {
    const rt = await createRuntime(options);
    try {
      const file = mode === "root" ? "made-as-root" : "made-by-command";
      const r = await rt.bash(`id -u; touch ${file}; mkdir ${file}-dir; cat /proc/self/uid_map`);
      await rt.writeFile(`${file}-by-api.txt`, "x");
      const [uid, ...uidMap] = r.stdout.trim().split("\n");
      console.log(JSON.stringify({ ok: true, uid, uidMap, notices }));
    } finally {
      await rt.cleanup();
    }
  }
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: (error as Error).message, notices }));
}
