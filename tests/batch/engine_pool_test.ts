import assert from "node:assert/strict";
import { EnginePool, type PoolEngine } from "../../lib/batch/mod.ts";

const a: PoolEngine = { name: "unix:///a.sock", endpoint: { transport: "unix", path: "/a.sock" } };
const b: PoolEngine = { name: "unix:///b.sock", endpoint: { transport: "unix", path: "/b.sock" } };

Deno.test("EnginePool.pick() gives the engine running the fewest tasks, the first on a tie", () => {
  const pool = new EnginePool([a, b]);
  assert.equal(pool.pick(), a);
  pool.started(a);
  assert.equal(pool.pick(), b);
  pool.started(b);
  pool.started(b);
  assert.equal(pool.pick(), a);
  pool.ended(b);
  pool.ended(b);
  assert.equal(pool.pick(), b);
});

Deno.test("EnginePool.pick() passes over the engines to avoid and those taken out", () => {
  const pool = new EnginePool([a, b]);
  assert.equal(pool.pick(new Set([a.name])), b);
  assert.equal(pool.remove(b, "gone"), true);
  assert.equal(pool.remove(b, "gone again"), false);
  assert.equal(pool.pick(new Set([a.name])), undefined);
  assert.deepEqual(pool.live, [a]);
});
