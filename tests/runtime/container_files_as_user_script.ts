// Run by container_files_test.ts as a non-root user: writes and edits files through the
// sandbox (as root in it when asked) and reports what the sandbox ran as.
import { editFileTool } from "../../lib/agent/tools/edit_file.ts";
import { createRuntime } from "../../lib/runtime/mod.ts";

const [workspace, image, user] = Deno.args;
try {
  const rt = await createRuntime({
    docker: true,
    workspace,
    image,
    ...(user === "root" ? { user: "root" } : {}),
  });
  try {
    const id = await rt.bash("id -u; touch made-by-command");
    await rt.writeFile("made-by-api.txt", "x");
    await rt.writeFile("made-dir/inner/file.txt", "one\n");
    await editFileTool.run({ path: "made-dir/inner/file.txt", old: "one", new: "two" }, {
      runtime: rt,
      timeoutMs: 30_000,
    });
    const text = await rt.readFile("made-dir/inner/file.txt");
    console.log(JSON.stringify({ ok: true, sandboxUid: id.stdout.trim(), text }));
  } finally {
    await rt.cleanup();
  }
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: (error as Error).message }));
}
