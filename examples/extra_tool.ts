// An agent with an extra tool: besides bash and the file tools, the model can ask for the
// host's clock. Its answer streams to the terminal as it comes.
// Configure the model with OPENAI_API_KEY and OPENAI_BASE_URL (or the Agent's options).
//   deno run -A examples/extra_tool.ts
import { Agent, type Tool } from "../lib/mod.ts";

/** The extra tool: a name, a JSON schema for its arguments, and a handler. */
const clock: Tool<{ timeZone?: string }> = {
  name: "clock",
  description: "The current date and time on the user's machine, e.g. to stamp a report.",
  parameters: {
    type: "object",
    properties: {
      timeZone: { type: "string", description: 'An IANA time zone such as "Europe/Lisbon".' },
    },
    additionalProperties: false,
  },
  run({ timeZone }) {
    return Promise.resolve(
      new Date().toLocaleString("en-GB", { timeZone, dateStyle: "full", timeStyle: "long" }),
    );
  },
};

await using ag = new Agent({
  tools: [clock],
  onEvent(event) {
    if (event.type === "text") Deno.stdout.writeSync(new TextEncoder().encode(event.delta));
    if (event.type === "tool_call") console.log(`\n[${event.name}] ${event.arguments}`);
  },
});
await ag.step("Write report.txt with a one-line heading that says when it was written.");
console.log();
