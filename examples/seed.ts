// The seed's example, as written: one request, run in the sandbox, then clean up.
// Configure the model with OPENAI_API_KEY, OPENAI_BASE_URL and PYGENT_MODEL.
//   deno run -A examples/seed.ts
import { Agent } from "../lib/mod.ts";
const ag = new Agent();
await ag.step("echo 'Ola Mundo'");
await ag.runtime.cleanup();
