// Shells run as commands (lib/policy/shells.ts).
import assert from "node:assert/strict";
import { isShell, shellScript } from "../../lib/policy/shells.ts";
import { literalWord } from "../../lib/policy/words.ts";

const words = (...values: string[]) => values.map(literalWord);

Deno.test("isShell() knows fish, csh, tcsh, rbash, ksh and mksh", () => {
  for (const shell of ["fish", "csh", "tcsh", "rbash", "ksh", "mksh"]) assert.ok(isShell(shell));
});

Deno.test("shellScript() finds the -c string after options that take an argument", () => {
  assert.deepEqual(
    shellScript("bash", words("--rcfile", "rc", "-o", "errexit", "-c", "ls"))?.sources,
    [
      "ls",
    ],
  );
});

Deno.test("shellScript() reads fish's --command= and -C as code", () => {
  const script = shellScript("fish", words("-C", "rm x", "--command=ls"));
  assert.deepEqual(script?.sources, ["rm x", "ls"]);
  assert.equal(script?.bash, false);
});

Deno.test("shellScript() says a shell without a script reads its input", () => {
  assert.match(shellScript("sh", words("-s"))?.reason ?? "", /from its input/);
  assert.match(shellScript("bash", [])?.reason ?? "", /from its input/);
});

Deno.test("shellScript() leaves a shell that runs a script file to be judged as a command", () => {
  assert.equal(shellScript("bash", words("-e", "build.sh")), undefined);
  assert.equal(shellScript("bash", words("--version")), undefined);
});
