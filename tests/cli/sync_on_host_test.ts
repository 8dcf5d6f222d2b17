// Copy mode is a way to reach a container: on the host it cannot apply. Asked for with the flag
// it is refused (exit 2); set in a config file it is only said once at the start.
import assert from "node:assert/strict";
import { OpenAIServer } from "../support/openai_server.ts";
import { eventsOf, jsonLines, runCli } from "./cli_process.ts";

Deno.test("--sync copy with --no-docker is refused with exit 2 before anything runs", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Hi." }]);
  const result = await runCli(["--sync", "copy", "--no-docker", "hi"], { server });
  assert.equal(result.code, 2, result.stderr);
  assert.equal(
    result.stderr,
    "pygent: --sync copy applies to containers only, and --no-docker runs commands on the " +
      "host; drop one of them.\n",
  );
  assert.equal(server.requests.length, 0);
});

Deno.test("sync = copy in the config file with --no-docker is a notice, and the run goes on", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Hi." }]);
  const home = await Deno.makeTempDir({ prefix: "pygent-sync-home-" });
  try {
    await Deno.mkdir(`${home}/xdg/pygent`, { recursive: true });
    await Deno.writeTextFile(`${home}/xdg/pygent/config.toml`, 'sync = "copy"\n');
    const result = await runCli(["--json", "--no-docker", "--workspace", home, "hi"], {
      server,
      env: { XDG_CONFIG_HOME: `${home}/xdg`, HOME: home },
    });
    assert.equal(result.code, 0, result.stderr);
    const notices = eventsOf(jsonLines(result.stdout), "notice").map((event) => event.message);
    assert.ok(
      notices.includes(
        'sync = "copy" (~/xdg/pygent/config.toml line 1) applies to containers only: on the ' +
          "host, commands work on the workspace itself.",
      ),
      notices.join("\n"),
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
