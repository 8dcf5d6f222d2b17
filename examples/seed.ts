// The seed's example, as written: one request, run in the sandbox, then clean up.
// Configure the model with OPENAI_API_KEY and OPENAI_BASE_URL (or the Agent's options).
//   deno run -A examples/seed.ts
import { Agent } from "../lib/mod.ts";
const ag = new Agent();
await ag.step("echo 'Ola Mundo'");
await ag.runtime.cleanup();
