import type { CommandError, ErrorCode } from "./bindings";

/** What every generated command resolves to. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

type SessionEndedListener = () => void;

let sessionEndedListener: SessionEndedListener | null = null;

/** The app shell registers here to return to the sign-in screen when the back end says so. */
export function onSessionEnded(listener: SessionEndedListener | null): void {
  sessionEndedListener = listener;
}

function unexpected(e: unknown): CommandError {
  const detail = e instanceof Error && e.message ? ` (${e.message})` : "";
  return {
    code: "internal",
    message: `Something went wrong while talking to VetDesk${detail}. Try again; if it keeps happening, restart the app.`,
    retryAfterSecs: null,
  };
}

/**
 * Awaits a command from `commands`, turning an unexpected exception into a
 * CommandError and reporting an ended session once, centrally.
 */
export async function call<T>(
  request: Promise<Result<T, CommandError>>,
): Promise<Result<T, CommandError>> {
  let result: Result<T, CommandError>;
  try {
    result = await request;
  } catch (e) {
    return { status: "error", error: unexpected(e) };
  }
  if (result.status === "error") {
    const error = normalizeError(result.error);
    if (error.code === "notSignedIn" && sessionEndedListener) sessionEndedListener();
    return { status: "error", error };
  }
  return result;
}

function normalizeError(raw: unknown): CommandError {
  if (raw && typeof raw === "object" && "code" in raw && "message" in raw) {
    const e = raw as Partial<CommandError>;
    return {
      code: (e.code ?? "internal") as ErrorCode,
      message: String(e.message ?? ""),
      retryAfterSecs: typeof e.retryAfterSecs === "number" ? e.retryAfterSecs : null,
    };
  }
  if (typeof raw === "string" && raw)
    return { code: "internal", message: raw, retryAfterSecs: null };
  return unexpected(raw);
}
