/**
 * The commands that run another command, and how their options are read: `env`, `sudo`,
 * `timeout`, `nice`... and the runners of package managers (`uv run`, `npx`, `bundle exec`).
 * Data only; `wrappers.ts` reads command lines with it.
 *
 * @module
 */

/** How a wrapper's options are read. */
export interface WrapperSpec {
  /** Options without an argument. */
  readonly flags?: readonly string[];
  /** Options that take an argument: the next word, or attached (`-n5`, `--signal=KILL`). */
  readonly withArgument?: readonly string[];
  /** Options whose argument can only be attached (`xargs -i{}`, `nsenter --mount=FILE`). */
  readonly optionalArgument?: readonly string[];
  /** Options that make the wrapper do something else than run a command (`command -v`). */
  readonly notRunning?: readonly string[];
  /** Options that run the command through a shell (`sudo -s`): its words are a command line. */
  readonly viaShell?: readonly string[];
  /** Options whose argument is a command line that a shell runs (`flock -c STRING`). */
  readonly shellString?: readonly string[];
  /** Options whose argument is a file the wrapper writes (`time -o FILE`). */
  readonly writes?: readonly string[];
  /** Words after the options that belong to the wrapper (`timeout`'s duration). */
  readonly operands?: number;
  /** `NAME=value` words after the options set variables (`env`). */
  readonly assignments?: boolean;
  /** `nice -5`: a dash and a number is an option. */
  readonly numericOption?: boolean;
  /** An allow rule must name this wrapper (it changes who runs the command, or which). */
  readonly namedByAllowRules?: boolean;
  /** Without a command, it starts a shell that reads commands from its input (`chroot DIR`). */
  readonly shellWithoutCommand?: boolean;
  /**
   * It runs a shell, never a command of its words: the argument of a `shellString` option, or
   * else commands from its input (`su -c STRING`, `script`).
   */
  readonly runsShell?: boolean;
  /**
   * It joins its command's words into one command line that `sh -c` runs (`watch git status`),
   * unless one of these options makes it run the command directly (`watch -x`).
   */
  readonly joinsWords?: { readonly unless: readonly string[] };
  /**
   * Its options are too many to list: an option it does not know is read as a flag, and the
   * deny and ask rules also see each later word as where the command may start.
   */
  readonly lenient?: boolean;
}

const HELP = ["-h", "--help", "-V", "--version"];

/** Wrappers, by command name. */
export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  command: { flags: ["-p"], notRunning: ["-v", "-V"] },
  builtin: {},
  busybox: {},
  exec: { flags: ["-c", "-l"], withArgument: ["-a"] },
  nohup: {},
  time: {
    flags: ["-p", "-v", "--verbose", "-a", "--append", "--portability", "-q", "--quiet"],
    withArgument: ["-f", "--format", "-o", "--output"],
    writes: ["-o", "--output"],
  },
  env: {
    flags: ["-i", "-", "--ignore-environment", "-0", "--null", "-v", "--debug"],
    withArgument: ["-u", "--unset", "-C", "--chdir"],
    assignments: true,
  },
  nice: { withArgument: ["-n", "--adjustment"], numericOption: true },
  timeout: {
    flags: ["--preserve-status", "--foreground", "-v", "--verbose"],
    withArgument: ["-k", "--kill-after", "-s", "--signal"],
    operands: 1,
  },
  sudo: {
    flags: [
      ...["-A", "--askpass", "-b", "--background", "-E", "--preserve-env", "-H", "--set-home"],
      ...["-k", "--reset-timestamp", "-n", "--non-interactive", "-P", "--preserve-groups"],
      ...["-S", "--stdin"],
    ],
    withArgument: [
      ...["-C", "--close-from", "-D", "--chdir", "-g", "--group", "-h", "--host", "-p"],
      ...["--prompt", "-r", "--role", "-t", "--type", "-T", "--command-timeout", "-U"],
      ...["--other-user", "-u", "--user"],
    ],
    notRunning: [
      ...["-e", "--edit", "-K", "--remove-timestamp", "-l", "--list", "-v", "--validate", "-V"],
      "--version",
    ],
    viaShell: ["-i", "--login", "-s", "--shell"],
    namedByAllowRules: true,
  },
  doas: {
    flags: ["-n"],
    withArgument: ["-u"],
    notRunning: ["-L", "-C"],
    viaShell: ["-s"],
    namedByAllowRules: true,
  },
  su: {
    shellString: ["-c", "--command", "--session-command"],
    notRunning: HELP,
    runsShell: true,
  },
  script: { shellString: ["-c", "--command"], notRunning: HELP, runsShell: true },
  stdbuf: { withArgument: ["-i", "--input", "-o", "--output", "-e", "--error"] },
  setsid: { flags: ["-c", "--ctty", "-f", "--fork", "-w", "--wait"], notRunning: HELP },
  flock: {
    flags: [
      ...["-s", "--shared", "-x", "-e", "--exclusive", "-u", "--unlock", "-n", "--nb"],
      ...["--nonblock", "-o", "--close", "-F", "--no-fork", "--verbose"],
    ],
    withArgument: ["-w", "--wait", "--timeout", "-E", "--conflict-exit-code"],
    shellString: ["-c", "--command"],
    notRunning: HELP,
    operands: 1,
  },
  ionice: {
    flags: ["-t", "--ignore"],
    withArgument: ["-c", "--class", "-n", "--classdata"],
    notRunning: ["-p", "--pid", "-P", "--pgid", "-u", "--uid", ...HELP],
  },
  taskset: {
    flags: ["-a", "--all-tasks", "-c", "--cpu-list"],
    notRunning: ["-p", "--pid", ...HELP],
    operands: 1,
  },
  chroot: {
    flags: ["--skip-chdir"],
    withArgument: ["--groups", "--userspec"],
    notRunning: ["--help", "--version"],
    operands: 1,
    shellWithoutCommand: true,
  },
  nsenter: {
    flags: [
      ...["-e", "--env", "-F", "--no-fork", "-Z", "--follow-context", "-a", "--all"],
      ...["--preserve-credentials", "--user-parent", "-c", "--join-cgroup"],
    ],
    withArgument: ["-t", "--target", "-G", "--setgid", "-S", "--setuid", "-W", "--wdns"],
    optionalArgument: [
      ...["-m", "--mount", "-u", "--uts", "-i", "--ipc", "-n", "--net", "-p", "--pid", "-C"],
      ...["--cgroup", "-U", "--user", "-T", "--time", "-r", "--root", "-w", "--wd"],
    ],
    notRunning: HELP,
    shellWithoutCommand: true,
  },
  unshare: {
    flags: [
      ...["-f", "--fork", "-r", "--map-root-user", "-c", "--map-current-user", "--map-auto"],
      "--keep-caps",
    ],
    withArgument: [
      ...["--map-user", "--map-group", "--map-users", "--map-groups", "--propagation"],
      ...["--setgroups", "-R", "--root", "-w", "--wd", "-S", "--setuid", "-G", "--setgid"],
      ...["--monotonic", "--boottime", "-l", "--load-interp"],
    ],
    optionalArgument: [
      ...["-m", "--mount", "-u", "--uts", "-i", "--ipc", "-n", "--net", "-p", "--pid", "-U"],
      ...["--user", "-C", "--cgroup", "-T", "--time", "--kill-child", "--mount-proc"],
      "--mount-binfmt",
    ],
    notRunning: HELP,
    shellWithoutCommand: true,
  },
  watch: {
    flags: [
      ...["-b", "--beep", "-c", "--color", "-C", "--no-color", "-e", "--errexit", "-g"],
      ...["--chgexit", "-p", "--precise", "-r", "--no-rerun", "-t", "--no-title", "-w"],
      ...["--no-wrap", "-x", "--exec"],
    ],
    withArgument: ["-n", "--interval", "-q", "--equexit"],
    optionalArgument: ["-d", "--differences"],
    notRunning: HELP,
    joinsWords: { unless: ["-x", "--exec"] },
  },
  xargs: {
    flags: [
      ...["-0", "--null", "-o", "--open-tty", "-p", "--interactive", "-r"],
      ...["--no-run-if-empty", "-t", "--verbose", "-x", "--exit"],
    ],
    withArgument: [
      ...["-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "--max-args", "-P"],
      ...["--max-procs", "-s", "--max-chars", "--process-slot-var"],
    ],
    optionalArgument: ["-e", "--eof", "-i", "--replace", "-l", "--max-lines"],
  },
};

const UV_RUN: WrapperSpec = {
  flags: [
    ...["--all-extras", "--no-dev", "--dev", "--frozen", "--locked", "--isolated", "--no-sync"],
    ...["--active", "--no-project", "-q", "--quiet", "-v", "--verbose", "--offline"],
    ...["--no-cache", "-n", "--no-config", "--exact", "--no-editable", "--all-packages"],
    ...["--only-dev", "--no-default-groups", "--all-groups", "--no-env-file", "--upgrade"],
    ...["-U", "--reinstall", "--refresh", "--no-build", "--no-binary", "--no-sources", "-s"],
    ...["--script", "--gui-script", "-m", "--module", "--no-progress", "--managed-python"],
    ...["--no-managed-python", "--no-python-downloads", "--compile-bytecode", "--preview"],
  ],
  withArgument: [
    ...["--with", "--with-editable", "--with-requirements", "--env-file", "--extra"],
    ...["--package", "-p", "--python", "--group", "--no-group", "--only-group", "--index"],
    ...["--default-index", "-i", "--index-url", "--extra-index-url", "-f", "--find-links"],
    ...["--directory", "--project", "--cache-dir", "--config-file", "--color", "--from"],
    ...["--index-strategy", "--resolution", "--prerelease", "--exclude-newer", "-C"],
    ...["--config-setting", "--link-mode", "-P", "--upgrade-package", "--python-platform"],
    ...["--no-extra", "--refresh-package", "--reinstall-package", "--keyring-provider"],
  ],
  notRunning: HELP,
  namedByAllowRules: true,
  lenient: true,
};

const NPM_EXEC: WrapperSpec = {
  flags: [
    ...["-y", "--yes", "--no", "--no-install", "-q", "--quiet", "--include-workspace-root"],
    ...["--workspaces", "--ignore-existing", "--prefer-online", "--prefer-offline"],
  ],
  withArgument: ["-p", "--package", "-w", "--workspace"],
  shellString: ["-c", "--call"],
  notRunning: HELP,
  namedByAllowRules: true,
  lenient: true,
};

const PNPM_EXEC: WrapperSpec = {
  flags: [
    ...["-r", "--recursive", "--parallel", "--no-bail", "--report-summary", "-s", "--silent"],
    "--allow-build",
  ],
  withArgument: ["--package", "-F", "--filter", "--workspace-concurrency", "--resume-from"],
  viaShell: ["-c", "--shell-mode"],
  notRunning: HELP,
  namedByAllowRules: true,
  lenient: true,
};

const PLAIN_RUNNER: WrapperSpec = { notRunning: HELP, namedByAllowRules: true, lenient: true };

const CONDA_RUN: WrapperSpec = {
  flags: ["--no-capture-output", "--live-stream", "-v", "--verbose", "--debug-wrapper-scripts"],
  withArgument: ["-n", "--name", "-p", "--prefix", "--cwd"],
  notRunning: HELP,
  namedByAllowRules: true,
  lenient: true,
};

/**
 * Runners of package managers and tool installers, by command name and subcommand
 * (`uv run`): they run a program their words name, so the deny and ask rules see it; an allow
 * rule must name the runner too (`uv run pytest`).
 */
export const RUNNERS: Readonly<Record<string, WrapperSpec>> = {
  "uv run": UV_RUN,
  "uv tool run": UV_RUN,
  uvx: UV_RUN,
  "poetry run": PLAIN_RUNNER,
  "pdm run": PLAIN_RUNNER,
  "pipenv run": PLAIN_RUNNER,
  "hatch run": PLAIN_RUNNER,
  "rye run": PLAIN_RUNNER,
  "pixi run": PLAIN_RUNNER,
  "pipx run": {
    ...PLAIN_RUNNER,
    withArgument: ["--spec", "--python", "--pip-args", "-i", "--index-url"],
  },
  "conda run": CONDA_RUN,
  "mamba run": CONDA_RUN,
  "micromamba run": CONDA_RUN,
  "npm exec": NPM_EXEC,
  npx: NPM_EXEC,
  "pnpm exec": PNPM_EXEC,
  "pnpm dlx": PNPM_EXEC,
  pnpx: PNPM_EXEC,
  "yarn exec": PLAIN_RUNNER,
  "yarn dlx": { ...PLAIN_RUNNER, flags: ["-q", "--quiet"], withArgument: ["-p", "--package"] },
  bunx: { ...PLAIN_RUNNER, flags: ["--bun"], withArgument: ["-p", "--package"] },
  "bun x": { ...PLAIN_RUNNER, flags: ["--bun"], withArgument: ["-p", "--package"] },
  "bundle exec": {
    ...PLAIN_RUNNER,
    flags: ["--keep-file-descriptors"],
    withArgument: ["--gemfile"],
  },
};

/** GNU parallel's options that take an argument (the others are read as flags). */
export const PARALLEL_WITH_ARGUMENT: readonly string[] = [
  ...["-j", "--jobs", "-P", "--max-procs", "-S", "--sshlogin", "--slf", "--sshloginfile", "-a"],
  ...["--arg-file", "-d", "--delimiter", "-E", "--eof", "-I", "-L", "--max-lines", "-n"],
  ...["--max-args", "-N", "-s", "--max-chars", "--joblog", "--results", "--res", "--tmpdir"],
  ...["--workdir", "--wd", "--timeout", "--delay", "--retries", "--tagstring", "--colsep", "-C"],
  ...["--basefile", "--bf", "--return", "--transferfile", "--tf", "--env", "--memfree"],
  ...["--load", "--nice", "--block", "--halt", "--termseq", "--sshdelay", "--header"],
];
