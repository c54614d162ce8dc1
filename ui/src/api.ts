import type { CommandError, ErrorCode } from "./bindings";

/** What the app does when a command answers that the session ended or the screen locked. */
export type SessionEvents = { ended: () => void; locked: () => void };

/** What every generated command resolves to. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

function unexpected(e: unknown): CommandError {
  const detail = e instanceof Error && e.message ? ` (${e.message})` : "";
  return {
    code: "failed",
    message: `Something went wrong while talking to VetDesk${detail}. Try again; if it keeps happening, restart the app.`,
    field: null,
    retryAfterSecs: null,
  };
}

/**
 * Awaits a command from `commands`, turning an unexpected exception into a CommandError and
 * telling `events` when the back end says the session is over or the screen is locked.
 */
export async function call<T>(
  request: Promise<Result<T, CommandError>>,
  events?: SessionEvents,
): Promise<Result<T, CommandError>> {
  let result: Result<T, CommandError>;
  try {
    result = await request;
  } catch (e) {
    return { status: "error", error: unexpected(e) };
  }
  if (result.status === "error") {
    const error = normalizeError(result.error);
    if (error.code === "notSignedIn") events?.ended();
    if (error.code === "locked") events?.locked();
    return { status: "error", error };
  }
  return result;
}

function normalizeError(raw: unknown): CommandError {
  if (raw && typeof raw === "object" && "code" in raw && "message" in raw) {
    const e = raw as Partial<CommandError>;
    return {
      code: (e.code ?? "failed") as ErrorCode,
      message: String(e.message ?? ""),
      field: typeof e.field === "string" && e.field ? e.field : null,
      retryAfterSecs: typeof e.retryAfterSecs === "number" ? e.retryAfterSecs : null,
    };
  }
  if (typeof raw === "string" && raw)
    return { code: "failed", message: raw, field: null, retryAfterSecs: null };
  return unexpected(raw);
}
