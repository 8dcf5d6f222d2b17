// Copy mode's root shell (issue 15, §1): commands with binary output through one exec.
import assert from "node:assert/strict";
import type { RootChannel } from "../../lib/runtime/root_channel.ts";
import { rootChannel } from "./_copy_layout.ts";
import { dockerTest, withClient, withWaitingContainer } from "../support/docker.ts";

/** What a channel's command fails with once it printed nothing for the idle limit. */
class IdleError extends Error {}

async function withChannel(
  fn: (channel: RootChannel, id: string) => Promise<void>,
  idleMs = 15_000,
) {
  await withClient((client) =>
    withWaitingContainer(client, "root-channel", async (id) => {
      const channel = rootChannel(client, { ms: idleMs, error: () => new IdleError("no output") });
      try {
        await fn(channel, id);
      } finally {
        channel.close();
      }
    })
  );
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

dockerTest("binary output of several megabytes comes back byte for byte", async () => {
  await withChannel(async (channel, id) => {
    const out = await channel.run(id, "head -c 3000000 /dev/urandom | tee /tmp/r");
    assert.equal(out.length, 3_000_000);
    const theirs = new TextDecoder().decode(await channel.run(id, "sha256sum /tmp/r"));
    assert.equal(theirs.split(" ")[0], await sha256(out));
  });
});

dockerTest("output that ends without a newline, or is empty, comes back as it is", async () => {
  await withChannel(async (channel, id) => {
    assert.equal(new TextDecoder().decode(await channel.run(id, "printf abc")), "abc");
    assert.equal((await channel.run(id, "true")).length, 0);
  });
});

dockerTest(
  "a failing command's status and message are in the error, and the shell goes on",
  async () => {
    await withChannel(async (channel, id) => {
      await assert.rejects(channel.run(id, "echo oops >&2; exit 3"), /exit status 3: oops/);
      assert.equal(new TextDecoder().decode(await channel.run(id, "echo still")), "still\n");
    });
  },
);

dockerTest("a command that reads its input gets end of file, not the next commands", async () => {
  await withChannel(async (channel, id) => {
    const [read, after] = await Promise.all([
      channel.run(id, "cat"),
      channel.run(id, "echo after"),
    ]);
    assert.equal(read.length, 0);
    assert.equal(new TextDecoder().decode(after), "after\n");
  });
});

dockerTest(
  "a command silent past the idle limit fails with its error, and the next gets a new shell",
  async () => {
    await withChannel(async (channel, id) => {
      await assert.rejects(channel.run(id, "sleep 3"), IdleError);
      assert.equal(new TextDecoder().decode(await channel.run(id, "echo after")), "after\n");
    }, 500);
  },
);
