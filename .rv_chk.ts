import { checkCommand, ruleSet } from "/work/main/lib/policy/mod.ts";
const where = (Deno.env.get("WHERE") ?? "host") as "host" | "container";
const policy = { mode: "auto", where, rules: ruleSet({
  allow: ["git status", "ls", "echo", "cat", "printf", "true", "grep"],
  deny: ["git push", "rm"] }, "cfg") } as const;
const cases: string[] = JSON.parse(await new Response(Deno.stdin.readable).text());
for (const c of cases) {
  const t0 = performance.now();
  const v = await checkCommand(policy, c);
  const ms = (performance.now() - t0).toFixed(0);
  console.log(JSON.stringify(c).slice(0, 90).padEnd(60), "=>", v.decision, "|", v.reason.slice(0, 110), `(${ms}ms)`);
}
