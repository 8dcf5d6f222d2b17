// A one-shot task from a script: the task comes from the command line, the agent works on
// it in the sandbox, its events are shown as they happen, and the exit code tells how it went.
// Configure the model with OPENAI_API_KEY and OPENAI_BASE_URL (or the Agent's options).
//   deno run -A examples/one_shot.ts "Make primes.py print the primes below 50 and run it"
import { Agent } from "../lib/mod.ts";

const task = Deno.args.join(" ") || "Print the Python version and the number of CPUs.";

await using ag = new Agent();
const run = ag.step(task);
for await (const event of run) {
  switch (event.type) {
    case "tool_call":
      console.log(`→ ${event.name} ${event.arguments}`);
      break;
    case "tool_result":
      console.log(`← ${event.isError ? "failed" : "ok"} in ${event.durationMs} ms`);
      break;
    case "notice":
      console.log(`! ${event.message}`);
      break;
    case "error":
      console.error(`Error: ${event.message}`);
      break;
  }
}
try {
  const result = await run;
  console.log(result.text);
  if (result.stopReason !== "done") Deno.exitCode = 1;
} catch {
  Deno.exitCode = 1;
}
