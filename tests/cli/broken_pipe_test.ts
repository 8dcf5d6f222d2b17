// A session whose reader stops reading (`pygent … | head -1`): it stops as after Ctrl-C (its
// container removed) and exits 141 without a word, as `pygent batch` does.
import assert from "node:assert/strict";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, containersOf, runIntoHead } from "./cli_process.ts";

/** The model's first answer comes after `head` has read the first line and gone. */
const AFTER_HEAD_IS_GONE_MS = 1_000;

dockerTest(
  "when the reader of a one-shot --json session stops reading, it stops as after Ctrl-C, exit 141",
  async () => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("sleep 60")], delayMs: AFTER_HEAD_IS_GONE_MS },
      { kind: "message", content: "Done." },
    ]);
    const { code, pid, stderr } = await runIntoHead(["--json", "wait"], { server });
    assert.equal(code, 141, stderr);
    assert.equal(stderr, "");
    assert.deepEqual(await containersOf(pid), []);
  },
);

dockerTest(
  "when the reader of a piped session stops reading, it stops as after Ctrl-C, exit 141",
  async () => {
    const workspace = await Deno.makeTempDir({ prefix: "pygent-cli-pipe-" });
    try {
      await using server = await OpenAIServer.start([
        { kind: "message", content: "First line.\nSecond line." },
        {
          kind: "message",
          content: "Waiting.",
          toolCalls: [bashCall("sleep 60")],
          delayMs: AFTER_HEAD_IS_GONE_MS,
        },
        { kind: "message", content: "Done." },
      ]);
      const { code, pid, stderr } = await runIntoHead(["--workspace", workspace], {
        server,
        stdin: "first\nsecond\n",
      });
      assert.equal(code, 141, stderr);
      assert.equal(stderr, "");
      assert.deepEqual(await containersOf(pid), []);
    } finally {
      await Deno.remove(workspace, { recursive: true });
    }
  },
);
