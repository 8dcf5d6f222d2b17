/**
 * Pygent's public API: the agent, the runtimes it runs commands in, and the
 * errors they raise. Nothing else under `lib/` is meant to be imported by users.
 *
 * @example
 * ```ts
 * import { Agent } from "./mod.ts";
 * const ag = new Agent();
 * await ag.step("echo 'Ola Mundo'");
 * await ag.runtime.cleanup();
 * ```
 *
 * @example
 * ```ts
 * import { createRuntime } from "./mod.ts";
 * const rt = await createRuntime(); // Docker when an engine answers, else the host
 * const r = await rt.bash("python3 -c 'print(6*7)'", { timeoutMs: 30_000 });
 * console.log(r.stdout); // "42\n"
 * await rt.cleanup();
 * ```
 *
 * @module
 */

export {
  Agent,
  AgentBusyError,
  AgentError,
  ContextTooLongError,
  HistoryFileError,
  MissingApiKeyError,
  ModelAuthError,
  ModelError,
  ModelNotFoundError,
  ModelRateLimitError,
  ModelRequestError,
  ModelUnavailableError,
  OpenAIModel,
  ToolError,
  ToolRegistry,
} from "./agent/mod.ts";
export type {
  AgentEvent,
  AgentOptions,
  AnyTool,
  ApprovalAnswer,
  ApprovalRequest,
  ApprovalSettings,
  Approver,
  ChatMessage,
  GetEnv,
  JsonSchema,
  Model,
  ModelReply,
  ModelRequest,
  OpenAIModelOptions,
  RetryInfo,
  StepOptions,
  StepResult,
  StepRun,
  Tool,
  ToolCall,
  ToolContext,
  ToolOutput,
  ToolRun,
  ToolSchema,
  Usage,
} from "./agent/mod.ts";
export {
  ConfigError,
  createRuntime,
  DEFAULT_IMAGE,
  FileNotFoundError,
  LazyRuntime,
  PathOutsideWorkspaceError,
  RuntimeError,
  SandboxLostError,
  SandboxUnavailableError,
  SyncLimitError,
} from "./runtime/mod.ts";
export type {
  BashOptions,
  BashResult,
  OutputChunk,
  Runtime,
  RuntimeEvent,
  RuntimeOptions,
  SandboxInfo,
  SyncMode,
  SyncReport,
} from "./runtime/mod.ts";
export {
  DockerApiError,
  DockerConnectionError,
  DockerError,
  DockerUnavailableError,
} from "./docker/mod.ts";
export {
  checkCommand,
  checkToolCall,
  parseRule,
  PolicyError,
  RuleError,
  ruleSet,
} from "./policy/mod.ts";
export type {
  ApprovalMode,
  ApprovalPolicy,
  Decision,
  PartVerdict,
  Rule,
  RuleSet,
  Verdict,
} from "./policy/mod.ts";
export { sandboxPolicy } from "./policy/sandbox_policy.ts";
export type { SandboxPolicy } from "./policy/sandbox_policy.ts";
export {
  findRepository,
  GitCommandError,
  SessionWorktree,
  WorktreeError,
  WorktreeSetupError,
} from "./worktree/mod.ts";
export type { Checkpoint, Repository, WorktreeStart } from "./worktree/mod.ts";
export {
  BatchSetupError,
  engineEndpoint,
  findEngines,
  NoEngineError,
  readTasksFile,
  ResultsFile,
  ResultsFileError,
  runBatch,
  TaskFilesError,
  TasksFileError,
  TaskTimeoutError,
} from "./batch/mod.ts";
export type {
  BatchEvent,
  BatchOptions,
  BatchSummary,
  BatchTask,
  EngineSpec,
  PoolEngine,
  TaskOutcome,
  TaskResult,
} from "./batch/mod.ts";
export { VERSION } from "./version.ts";
