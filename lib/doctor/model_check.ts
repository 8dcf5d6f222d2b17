/**
 * The `model` check: the base URL answers `GET /models`, the key is accepted, and the model is
 * among those listed. The key itself is never part of what it reports: only its variable, and
 * whether that is set.
 *
 * @module
 */

import type { CheckOutcome } from "./check.ts";

/** What {@linkcode checkModel} needs. */
export interface ModelCheckInput {
  /** The model a run would ask for. */
  model: string;
  /** The API's base URL, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  /** Whether `baseURL` is OpenAI's own API, where a key is required. */
  openai: boolean;
  /** The variable that holds the key. */
  keyVariable: string;
  /** The key, when that variable is set. */
  key: string | undefined;
  /** How long the server may take to answer. */
  timeoutMs: number;
}

const CHOOSE = "--model, PYGENT_MODEL or model in the config file";

/**
 * Asks the model server for its models.
 *
 * @example
 * ```ts ignore
 * import { checkModel } from "./model_check.ts";
 * const outcome = await checkModel({
 *   model: "gpt-4o-mini", baseURL: "https://api.openai.com/v1", openai: true,
 *   keyVariable: "OPENAI_API_KEY", key: Deno.env.get("OPENAI_API_KEY"), timeoutMs: 5_000,
 * });
 * console.log(outcome.status, outcome.summary);
 * ```
 */
export async function checkModel(input: ModelCheckInput): Promise<CheckOutcome> {
  const { model, baseURL, keyVariable, key } = input;
  const keyShown = key
    ? `the API key from ${keyVariable}`
    : `no API key (${keyVariable} is not set)`;
  if (!key && input.openai) {
    return {
      status: "fail",
      summary: `${keyVariable} is not set: OpenAI's API needs a key`,
      remediation: `export ${keyVariable}=sk-…; or --base-url (OPENAI_BASE_URL) for a server ` +
        "that needs none; or --api-key-env NAME for the variable that holds it.",
    };
  }
  const url = `${baseURL.replace(/\/+$/, "")}/models`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(input.timeoutMs),
    });
  } catch (error) {
    const why = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${input.timeoutMs / 1000} s`
      : causes(error);
    return {
      status: "fail",
      summary: `${baseURL} does not answer (${why})`,
      remediation: "Check the base URL (--base-url, OPENAI_BASE_URL or base_url in the config " +
        "file), that the server runs, and the network or proxy.",
    };
  }
  const text = redact(await response.text().catch(() => ""), key);
  if (response.status === 401 || response.status === 403) {
    const said = `${response.status} ${errorMessage(text)}`;
    return key
      ? {
        status: "fail",
        summary: `${baseURL} refused ${keyShown}: ${said}`,
        remediation:
          `Check the key in ${keyVariable} (or --api-key-env NAME for another variable).`,
      }
      : {
        status: "fail",
        summary: `${baseURL} wants an API key, and ${keyVariable} is not set: ${said}`,
        remediation: `Set ${keyVariable} to the server's key (or --api-key-env NAME).`,
      };
  }
  if (response.status === 404) {
    return {
      status: "warn",
      summary: `${baseURL} answers, but has no /models: ${model} could not be checked`,
      remediation: `Check that ${model} is the server's name for the model.`,
    };
  }
  if (!response.ok) {
    return {
      status: "fail",
      summary: `${url} answered ${response.status} ${errorMessage(text)}`,
      remediation: "Check the server, then try again.",
    };
  }
  const ids = modelIds(text);
  if (ids === undefined) {
    return {
      status: "warn",
      summary: `${url} answered, but not with a list of models: ${model} could not be checked`,
      remediation: "Check that the base URL is an OpenAI-compatible API (it usually ends in /v1).",
    };
  }
  if (ids.length === 0) {
    return {
      status: "warn",
      summary: `${baseURL} lists no models: ${model} could not be checked`,
      remediation: `Check that the server has ${model} (e.g. ollama pull ${model}).`,
    };
  }
  if (!ids.includes(model)) {
    const some = ids.slice(0, 8).join(", ") + (ids.length > 8 ? `, … (${ids.length})` : "");
    return {
      status: "fail",
      summary: `${model} is not among the models ${baseURL} lists: ${some}`,
      remediation: `Choose one of them with ${CHOOSE}.`,
    };
  }
  return { status: "ok", summary: `${model} is listed by ${baseURL}, with ${keyShown}` };
}

function modelIds(text: string): string[] | undefined {
  try {
    const body = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(body.data)) return undefined;
    return body.data.flatMap((entry) =>
      typeof entry === "object" && entry !== null && "id" in entry && typeof entry.id === "string"
        ? [entry.id]
        : []
    );
  } catch {
    return undefined;
  }
}

/** The server's own message (`{ error: { message } }`), or its text cut to a line. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string };
    const message = typeof body.error === "string" ? body.error : body.error?.message;
    if (typeof message === "string") return message;
  } catch {
    // Not JSON: the text itself.
  }
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

/** The text without the key, should a server echo it. */
function redact(text: string, key: string | undefined): string {
  return key && key.length >= 4 ? text.replaceAll(key, "***") : text;
}

function causes(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages.at(-1) ?? String(error);
}
