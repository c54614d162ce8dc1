import type { AppInfo } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useOpenClinic } from "./useOpenClinic";

/** The separate, explicit way into the demo clinic, beside setting up a real one. */
export function TryDemo({ onOpened }: { onOpened: (info: AppInfo) => void }) {
  const demo = useOpenClinic(true, onOpened);

  return (
    <section class="setup-demo" aria-labelledby="setup-demo-title" data-testid="setup-demo">
      <h2 id="setup-demo-title" class="setup-demo-title">
        Just looking around?
      </h2>
      <p class="muted">
        The demo clinic has made-up staff and clients in a database of its own. Nothing done there
        reaches your clinic, and you can come back here at any time.
      </p>
      <ErrorAlert error={demo.error} testid="demo-error" />
      <button
        type="button"
        class="button button-secondary"
        data-testid="try-demo"
        disabled={demo.busy}
        aria-busy={demo.busy}
        onClick={() => void demo.open()}
      >
        {demo.busy ? "Opening the demo clinic…" : "Try the demo clinic"}
      </button>
    </section>
  );
}
