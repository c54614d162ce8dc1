import type { AppInfo } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Notice } from "../../components/Notice";
import { useOpenClinic } from "./useOpenClinic";

/** On the demo clinic's sign-in screen: what this is, and the way back to the clinic's own. */
export function LeaveDemo({ onLeft }: { onLeft: (info: AppInfo) => void }) {
  const own = useOpenClinic(false, onLeft);

  return (
    <Notice tone="warning" testid="demo-notice" live={false}>
      <p>
        This is the <strong>demo clinic</strong>: made-up staff and clients, kept apart from your
        clinic's.{" "}
        <button
          type="button"
          class="link-button"
          data-testid="leave-demo"
          disabled={own.busy}
          onClick={() => void own.open()}
        >
          Leave the demo
        </button>
      </p>
      <ErrorAlert error={own.error} testid="leave-demo-error" />
    </Notice>
  );
}
