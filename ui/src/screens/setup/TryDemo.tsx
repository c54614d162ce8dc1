import type { AppInfo } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useOpenClinic } from "./useOpenClinic";
import { BusyButton } from "../../components/BusyButton";

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
      <BusyButton
        type="button"
        class="button button-secondary"
        testid="try-demo"
        busy={demo.busy}
        busyLabel="Opening the demo clinic…"
        onClick={() => void demo.open()}
      >
        Try the demo clinic
      </BusyButton>
    </section>
  );
}
