/**
 * The `pygent` command. Run it with `deno run -A main.ts [options] [request...]`,
 * or compile it with `deno task compile`.
 *
 * @module
 */

import { main } from "./lib/cli/mod.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
