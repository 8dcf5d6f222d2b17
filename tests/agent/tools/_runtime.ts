/**
 * A host runtime for the tool tests, and the context a tool call gets.
 *
 * @module
 */

import { createRuntime, type Runtime, type ToolContext } from "../../../lib/mod.ts";

/** Runs `fn` with a fresh host runtime and a tool context over it; cleans up after. */
export async function withContext(fn: (context: ToolContext, runtime: Runtime) => Promise<void>) {
  await using runtime = await createRuntime({ docker: false });
  await fn({ runtime, timeoutMs: 30_000 }, runtime);
}
