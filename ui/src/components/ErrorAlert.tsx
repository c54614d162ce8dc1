import type { ComponentChildren } from "preact";
import type { CommandError } from "../bindings";

/** An error message. Rendered inside a reserved slot so the layout does not jump. */
export function ErrorAlert({
  error,
  testid = "error",
  children,
}: {
  error: CommandError | string | null;
  testid?: string;
  children?: ComponentChildren;
}) {
  if (!error) return null;
  const text = typeof error === "string" ? error : error.message;
  return (
    <div class="alert alert-danger" role="alert" data-testid={testid}>
      <span class="alert-mark" aria-hidden="true" />
      <div class="alert-body">
        <p>{text}</p>
        {children}
      </div>
    </div>
  );
}
