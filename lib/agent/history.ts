/**
 * The conversation in OpenAI Chat Completions message form, and the check that
 * a history read from a file is one.
 *
 * @module
 */

/** One tool call of an assistant message, as the Chat Completions API shapes it. */
export interface ToolCall {
  /** Pairs the call with its result (`tool_call_id`). Generated when a server sends none. */
  id: string;
  /** Always `"function"`. */
  type: "function";
  /** Which tool, with which arguments. */
  function: {
    /** The tool's name. */
    name: string;
    /** The arguments as a JSON object text (`"{}"` when the model sent none or invalid JSON). */
    arguments: string;
  };
}

/** One message of the conversation, in OpenAI Chat Completions form. */
export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

/**
 * Checks that a value read from a file is a valid conversation: known roles,
 * string contents, and every assistant tool call followed by its result.
 * Returns what is wrong, or undefined when it is valid.
 *
 * @example
 * ```ts
 * import { historyProblem } from "./history.ts";
 * console.log(historyProblem([{ role: "user", content: "hi" }])); // undefined
 * console.log(historyProblem([{ role: "robot" }])); // "message 1 has an unknown role ..."
 * ```
 */
export function historyProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "the messages are not a list";
  const open = new Set<string>();
  for (const [index, message] of value.entries()) {
    const where = `message ${index + 1}`;
    if (!isRecord(message)) return `${where} is not an object`;
    if (message.role !== "tool" && open.size > 0) {
      return `${where} comes before the results of tool calls ${[...open].join(", ")}`;
    }
    switch (message.role) {
      case "system":
      case "user":
        if (typeof message.content !== "string") return `${where} has no text content`;
        break;
      case "assistant": {
        if (typeof message.content !== "string" && message.content !== null) {
          return `${where} has a content that is neither text nor null`;
        }
        const calls = message.tool_calls ?? [];
        if (!Array.isArray(calls) || !calls.every(isToolCall)) {
          return `${where} has malformed tool calls`;
        }
        for (const call of calls) open.add(call.id);
        break;
      }
      case "tool":
        if (typeof message.tool_call_id !== "string" || !open.delete(message.tool_call_id)) {
          return `${where} is a tool result that answers no pending tool call`;
        }
        if (typeof message.content !== "string") return `${where} has no text content`;
        break;
      default:
        return `${where} has an unknown role ${JSON.stringify(message.role)}`;
    }
  }
  if (open.size > 0) return `tool calls ${[...open].join(", ")} have no result`;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isToolCall(value: unknown): value is ToolCall {
  return isRecord(value) && typeof value.id === "string" && value.type === "function" &&
    isRecord(value.function) && typeof value.function.name === "string" &&
    typeof value.function.arguments === "string";
}
