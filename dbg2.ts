import { Agent } from "/work/main/lib/mod.ts";
import { OpenAIModel } from "/work/main/lib/agent/mod.ts";
import { OpenAIServer } from "/work/main/tests/support/openai_server.ts";
const root = await Deno.realPath(await Deno.makeTempDir());
const repo = `${root}/repo`; await Deno.mkdir(repo);
const git = (...args: string[]) => new Deno.Command("git", { args, cwd: repo }).output();
await git("init", "-q", "-b", "main"); await git("config", "user.email", "a@b"); await git("config", "user.name", "a");
await Deno.writeTextFile(`${repo}/a.txt`, "one\n"); await git("add", "."); await git("commit", "-qm", "x");
const server = await OpenAIServer.start([
  { kind: "message", toolCalls: [{ name: "bash", arguments: '{"cmd":"echo two > a.txt"}' }] },
  { kind: "message", content: "Changed." },
  { kind: "message", toolCalls: [{ name: "bash", arguments: '{"cmd":"cat a.txt"}' }] },
  { kind: "message", content: "It says one." },
]);
const t0 = performance.now();
const log = (m: string) => console.log(((performance.now() - t0) / 1000).toFixed(2), m);
const agent = new Agent({
  model: new OpenAIModel({ baseURL: server.baseURL, apiKey: "x", model: "m" }),
  worktree: true, approval: { mode: "never" },
  runtimeOptions: { docker: true, image: "python:3.12-slim", workspace: repo },
  getEnv: (n) => n === "XDG_DATA_HOME" ? `${root}/data` : undefined,
  onEvent: (e) => log(e.type + " " + JSON.stringify(e).slice(0, 100)),
});
agent.runtime.start().then(() => log("runtime started"), (e) => log("runtime failed " + e));
const _x = ({
});
await agent.step("Change a.txt"); log("step1 done");
await agent.undo(); log("undo done");
const r = await agent.step("Read a.txt"); log("step2 done " + r.toolRuns[0].content);
await agent[Symbol.asyncDispose](); await server[Symbol.asyncDispose]();
