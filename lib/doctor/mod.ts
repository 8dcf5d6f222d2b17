/**
 * `pygent doctor`'s checks: each a function that returns what it found as data
 * ({@linkcode CheckOutcome}), and {@linkcode runDoctor}, which runs them in order.
 *
 * @module
 */

export * from "./check.ts";
export * from "./config_check.ts";
export * from "./engine_check.ts";
export * from "./image_check.ts";
export * from "./model_check.ts";
export * from "./permission_check.ts";
export * from "./run_doctor.ts";
export * from "./sandbox_check.ts";
export * from "./unix_accounts.ts";
export * from "./workspace_check.ts";
