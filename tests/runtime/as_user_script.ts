// Run by ownership_test.ts as a non-root user: makes files in a Docker sandbox and reports.
import { createRuntime } from "../../lib/runtime/mod.ts";

const [workspace, image] = Deno.args;
try {
  const rt = await createRuntime({ docker: true, workspace, image });
  try {
    const id = await rt.bash("id -u; id -g; echo $HOME; touch made-by-command; mkdir made-dir");
    await rt.writeFile("made-by-api.txt", "x");
    console.log(JSON.stringify({ ok: true, id: id.stdout.trim().split("\n") }));
  } finally {
    await rt.cleanup();
  }
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: (error as Error).message }));
}
