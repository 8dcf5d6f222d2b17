/**
 * The shell parser of the approval policy (`lib/policy/`), on command lines as an AI writes
 * them: simple commands, chains, heredocs and 2 KB scripts. Pygent uses tree-sitter's bash
 * grammar run by `web-tree-sitter` (wasm embedded in `lib/policy/_embedded_wasm.ts`); it was
 * chosen against `sh-syntax` (mvdan/sh compiled to wasm), which the `--compare` table measures
 * side by side (BENCHMARKS.md, "Shell parser").
 *
 * ```sh
 * deno bench -A bench/policy_bench.ts                     # parse and check per line, cold start
 * deno run -A --no-lock bench/policy_bench.ts --compare   # the table of BENCHMARKS.md
 * deno run -A --no-lock bench/policy_bench.ts --compare --processes 20
 * ```
 *
 * `sh-syntax` is loaded only by `--compare`, through a specifier Deno does not see ahead, and
 * `--no-lock` keeps it out of deno.lock: `deno compile` embeds every npm package of the lock,
 * and Pygent's binaries have no use for it.
 *
 * Each parse bench takes one line per iteration, cycling through its set, so its statistics
 * are per line. The cold-start benches start a Deno process that loads the parser and parses
 * one line, against a baseline process that loads nothing; the table measures the same thing
 * inside each process (from before the import to after the first parse), without the process.
 *
 * Recorded (2 cores, Deno 2.9.6; medians, ms; see BENCHMARKS.md): cold load and first parse
 * 64 (tree-sitter) against 53 (sh-syntax); one parse 0.020 against 3.15 (simple lines), 0.025
 * against 2.70 (chains), 0.015 against 2.71 (heredocs), 0.54 against 4.04 (2 KB scripts).
 *
 * @module
 */

import { checkCommand, ruleSet } from "../lib/policy/mod.ts";
import { loadBashParser } from "../lib/policy/shell_parser.ts";

/** One command line of the corpus, with the kind it stands for. */
export interface CorpusLine {
  kind: "simple" | "chain" | "heredoc" | "script";
  line: string;
}

const SIMPLE = [
  "ls -la",
  "git status",
  "git diff --stat HEAD~1",
  "cat README.md",
  "python3 -m pytest -x tests/",
  "npm test",
  'grep -rn "TODO" src/',
  "pip install -r requirements.txt",
  "mkdir -p build/out",
  "head -n 50 src/main.py",
  "wc -l src/*.py",
  "sed -n '1,80p' lib/agent/agent.ts",
  "find . -name '*.py' -not -path './.venv/*'",
  "python3 scripts/train.py --epochs=3 --lr 0.001",
  "curl -sSL https://example.com/install.sh -o install.sh",
  "docker ps -a --format '{{.Names}}'",
  "go test ./...",
  "cargo build --release",
  'echo "hello world"',
  'rg -n "fn main" --type rust',
  "npx tsc --noEmit -p .",
  "deno test -A tests/",
  "uv run pytest -q",
  "git log --oneline -n 20",
  "ls ~/projects",
];

const CHAIN = [
  "cd src && make -j4 2>&1 | tail -20",
  'git add -A && git commit -m "fix: handle empty input" && git push origin HEAD',
  'for f in *.py; do python3 -m py_compile "$f" || echo "bad $f"; done',
  "if [ -f package.json ]; then npm ci; else echo 'no package.json'; fi",
  "ls | xargs -n1 wc -l",
  "export PYTHONPATH=src; python3 -m pytest -q 2>&1 | tail -5",
  "(cd build && cmake .. && make) > build.log 2>&1",
  "find . -type f -name '*.tmp' -exec rm -f {} +",
  "cat access.log | sort | uniq -c | sort -rn | head",
  "test -d .venv || python3 -m venv .venv && . .venv/bin/activate && pip install -e .",
  'while read -r line; do echo "$line"; done < input.txt',
  'case "$OS" in linux) echo linux;; darwin) echo mac;; *) echo other;; esac',
  'REV=$(git rev-parse --short HEAD); echo "built $REV" > version.txt',
  "diff <(sort a.txt) <(sort b.txt)",
  "timeout 60 npm test -- --watch=false",
  "sudo apt-get update && sudo apt-get install -y jq",
  "npm run build & npm run serve; wait",
  "env -i PATH=/usr/bin HOME=/tmp bash -c 'echo $HOME'",
  'python3 -c "import sys; print(sys.version)"',
  "git stash && git pull --rebase && git stash pop",
];

const PY_BODY = [
  "import json",
  "import sys",
  "",
  "def load(path):",
  "    with open(path) as f:",
  "        return json.load(f)",
  "",
  "def main():",
  "    data = load(sys.argv[1])",
  "    for key, value in sorted(data.items()):",
  '        print(f"{key}: {value}")',
  "",
  'if __name__ == "__main__":',
  "    main()",
];

function heredocs(): string[] {
  const lines: string[] = [];
  for (let n = 4; n <= PY_BODY.length; n += 2) {
    const body = PY_BODY.slice(0, n).join("\n");
    lines.push(`cat > app_${n}.py <<'EOF'\n${body}\nEOF`);
    lines.push(`python3 - <<EOF\n${body}\nEOF`);
  }
  lines.push(
    'cat <<EOF > config.json\n{ "name": "$NAME", "version": "1.0", "rev": "$(git rev-parse HEAD)" }\nEOF',
  );
  lines.push("git commit -F - <<'MSG'\nfix: parse heredocs\n\nThe body explains why.\nMSG");
  return lines;
}

const SCRIPT_BLOCKS = [
  "#!/usr/bin/env bash\nset -euo pipefail\n",
  'ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"\ncd "$ROOT"\n',
  'log() { printf "[%s] %s\\n" "$(date +%H:%M:%S)" "$*" >&2; }\n',
  'build() {\n  local target="$1"\n  log "building $target"\n  mkdir -p "dist/$target"\n  go build -o "dist/$target/app" ./cmd/app\n}\n',
  'for target in linux darwin windows; do\n  if [[ "$target" == windows ]]; then\n    GOOS=windows build "$target" || exit 1\n  else\n    GOOS="$target" build "$target"\n  fi\ndone\n',
  'case "${1:-all}" in\n  test) go test ./... ;;\n  lint) golangci-lint run ;;\n  all) go vet ./... && go test ./... ;;\n  *) echo "unknown: $1" >&2; exit 2 ;;\nesac\n',
  'while IFS= read -r file; do\n  [[ -f "$file" ]] || continue\n  sha256sum "$file" >> dist/SHA256SUMS\ndone < <(find dist -type f -name app)\n',
  'if ! command -v jq >/dev/null 2>&1; then\n  log "jq missing"\nfi\nVERSION=$(jq -r .version package.json 2>/dev/null || echo 0.0.0)\n',
  'tar -czf "dist/app-$VERSION.tar.gz" -C dist . && log "packed $VERSION"\n',
  'trap \'rm -rf "$TMP"\' EXIT\nTMP=$(mktemp -d)\ncp -r assets "$TMP"/ && ls -la "$TMP" | tail -n +2 | wc -l\n',
];

function scripts(): string[] {
  const lines: string[] = [];
  for (let start = 0; start < SCRIPT_BLOCKS.length; start++) {
    let script = "";
    for (let i = start; script.length < 2048; i++) {
      script += SCRIPT_BLOCKS[i % SCRIPT_BLOCKS.length];
    }
    lines.push(script);
  }
  return lines;
}

/**
 * About 300 command lines: simple commands, chains, heredocs and 2 KB scripts, each kind's
 * lines repeated after a comment line (`# 1`) so that no two lines are the same.
 */
export function corpus(): CorpusLine[] {
  const kinds: [CorpusLine["kind"], string[], number][] = [
    ["simple", SIMPLE, 4],
    ["chain", CHAIN, 4],
    ["heredoc", heredocs(), 4],
    ["script", scripts(), 4],
  ];
  const lines: CorpusLine[] = [];
  for (const [kind, set, copies] of kinds) {
    for (let copy = 0; copy < copies; copy++) {
      for (const line of set) lines.push({ kind, line: copy === 0 ? line : `# ${copy}\n${line}` });
    }
  }
  return lines;
}

const KINDS = ["simple", "chain", "heredoc", "script"] as const;

/** The comparison's other parser: a variable, so that neither `deno check` nor the lock sees it. */
const SH_SYNTAX = "npm:sh-syntax@0.7.0";

type ShParse = (text: string) => Promise<unknown>;

/**
 * `sh-syntax`'s `parse`, loaded on demand; and the same parser given its wasm compiled once
 * (its own `parse` compiles and starts a Go runtime on every call).
 */
async function loadShSyntax(): Promise<{ parse: ShParse; precompiled: ShParse }> {
  const module = await import(SH_SYNTAX) as {
    parse: ShParse;
    getProcessor(wasm: (imports: WebAssembly.Imports) => Promise<WebAssembly.Instance>): ShParse;
  };
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-config", "--no-lock", SH_SYNTAX],
    stdout: "piped",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(stdout)) as {
    npmPackages: Record<string, { localPath: string }>;
  };
  const dir = Object.values(info.npmPackages)[0].localPath;
  const compiled = await WebAssembly.compile(await Deno.readFile(`${dir}/main.wasm`));
  const precompiled = module.getProcessor((imports) => WebAssembly.instantiate(compiled, imports));
  return { parse: module.parse, precompiled };
}

/** The command that starts a fresh process which loads a parser and parses one line. */
function coldStart(parser: "tree-sitter" | "sh-syntax" | "none"): Deno.Command {
  const shellParser = new URL("../lib/policy/shell_parser.ts", import.meta.url).href;
  const code = {
    "tree-sitter": `const { loadBashParser } = await import(${JSON.stringify(shellParser)});` +
      `(await loadBashParser()).parse("git status && ls").delete();`,
    "sh-syntax": `const { parse } = await import("${SH_SYNTAX}"); await parse("git status && ls");`,
    none: "",
  }[parser];
  const timed = `const t0 = performance.now(); ${code} console.log(performance.now() - t0);`;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-lock", "--ext=ts", timed],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "inherit",
  });
}

async function runCold(parser: "tree-sitter" | "sh-syntax" | "none"): Promise<number> {
  const { success, stdout } = await coldStart(parser).output();
  if (!success) throw new Error(`the cold start of ${parser} failed`);
  return Number(new TextDecoder().decode(stdout).trim());
}

if (!import.meta.main || !Deno.args.includes("--compare")) {
  const lines = corpus();
  const tree = await loadBashParser();
  for (const kind of KINDS) {
    const set = lines.filter((line) => line.kind === kind).map((line) => line.line);
    let ts = 0;
    let check = 0;
    Deno.bench({
      name: `tree-sitter: parse one ${kind} line`,
      group: `parse ${kind}`,
      baseline: true,
      fn() {
        tree.parse(set[ts++ % set.length]).delete();
      },
    });
    const policy = {
      mode: "auto",
      where: "host",
      rules: ruleSet({ allow: ["git status"], deny: ["git push"] }),
    } as const;
    Deno.bench({
      name: `checkCommand (tree-sitter and the policy): one ${kind} line`,
      group: `parse ${kind}`,
      async fn() {
        await checkCommand(policy, set[check++ % set.length]);
      },
    });
  }
  for (const parser of ["none", "tree-sitter"] as const) {
    Deno.bench({
      name: parser === "none"
        ? "cold start: a Deno process that loads no parser"
        : `cold start: a Deno process that loads ${parser} and parses one line`,
      group: "cold start",
      baseline: parser === "none",
      n: 8,
      warmup: 1,
      async fn() {
        await coldStart(parser).output();
      },
    });
  }
}

/** Median of a list of numbers. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds of one call, measured `n` times after `warmup` untimed calls. */
async function timeEach(items: string[], fn: (line: string) => unknown): Promise<number[]> {
  for (const item of items.slice(0, 20)) await fn(item);
  const times: number[] = [];
  for (const item of items) {
    const t0 = performance.now();
    await fn(item);
    times.push(performance.now() - t0);
  }
  return times;
}

async function printTable(processes: number): Promise<void> {
  const cold: Record<string, number[]> = { "tree-sitter": [], "sh-syntax": [] };
  for (let i = 0; i < processes; i++) {
    for (const parser of ["tree-sitter", "sh-syntax"] as const) {
      cold[parser].push(await runCold(parser));
    }
  }
  const tree = await loadBashParser();
  const sh = await loadShSyntax();
  const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const treeCold = median(cold["tree-sitter"]);
  const shCold = median(cold["sh-syntax"]);
  const rows = [
    row(["median, ms", "tree-sitter-bash", "sh-syntax", "sh-syntax, wasm compiled once", "ratio"]),
    row(["---", "---:", "---:", "---:", "---:"]),
    row([
      `cold load and first parse (${processes} processes)`,
      fmt(treeCold),
      fmt(shCold),
      "",
      `${(shCold / treeCold).toFixed(1)}×`,
    ]),
  ];
  const lines = corpus();
  for (const kind of KINDS) {
    const set = lines.filter((line) => line.kind === kind).map((line) => line.line);
    const chars = median(set.map((line) => line.length));
    const t = median(await timeEach(set, (line) => tree.parse(line).delete()));
    const s = median(await timeEach(set, (line) => sh.parse(line)));
    const p = median(await timeEach(set, (line) => sh.precompiled(line)));
    rows.push(row([
      `parse one ${kind} line (${set.length} lines, median ${chars} chars)`,
      fmt(t),
      fmt(s),
      fmt(p),
      `${(s / t).toFixed(0)}×`,
    ]));
  }
  console.log(rows.join("\n"));
  console.log("ratio: sh-syntax's median over tree-sitter-bash's");
}

if (import.meta.main && Deno.args.includes("--compare")) {
  const at = Deno.args.indexOf("--processes");
  await printTable(at >= 0 ? Number(Deno.args[at + 1]) : 10);
}
