import assert from "node:assert/strict";
import { type AgentEvent, startStepRun, type StepResult } from "../../lib/agent/mod.ts";

const result: StepResult = {
  text: "ok",
  stopReason: "done",
  toolRuns: [],
  usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
  requests: 1,
};

Deno.test("a StepRun is a Promise of the step's result", async () => {
  const run = startStepRun(() => Promise.resolve(result));
  assert.ok(run instanceof Promise);
  assert.equal((await run).text, "ok");
});

Deno.test("iterating a StepRun late still yields every event from the first", async () => {
  const run = startStepRun(async (emit) => {
    emit({ type: "notice", message: "one" });
    await new Promise((resolve) => setTimeout(resolve, 10));
    emit({ type: "notice", message: "two" });
    return result;
  });
  await run;
  const seen: AgentEvent[] = [];
  for await (const event of run) seen.push(event);
  assert.deepEqual(seen.map((e) => e.type === "notice" && e.message), ["one", "two"]);
});

Deno.test("iterating a failing StepRun ends quietly; awaiting it rejects", async () => {
  const run = startStepRun((emit) => {
    emit({ type: "error", name: "Error", message: "boom" });
    return Promise.reject(new Error("boom"));
  });
  const seen: AgentEvent[] = [];
  for await (const event of run) seen.push(event);
  assert.equal(seen.length, 1);
  await assert.rejects(run, { message: "boom" });
});
