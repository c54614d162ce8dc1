import { useRef, useState } from "preact/hooks";
import { commands, type DkimRecord } from "../../../bindings";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { FieldFrame } from "../../../components/FieldFrame";
import { Notice } from "../../../components/Notice";
import { closeTo, escapeCloses } from "../../../escape";
import { errorFor } from "../../../fieldError";
import { useCommand, type Outcome } from "../../../useCommand";
import type { KeyState } from "./useDkimRecord";

type Action = "save" | "remove" | "generate";

const DONE: Record<Action, string> = {
  save: "The key was saved in this computer's keyring.",
  remove: "The key was removed from this computer's keyring. Mail sent from here is not signed.",
  generate:
    "A new 2048-bit key was made and saved in this computer's keyring. Publish its DNS record before mail goes out.",
};

const BUSY: Record<Action, string> = {
  save: "Saving key…",
  remove: "Removing key…",
  generate: "Generating…",
};

/**
 * The DKIM private key: pasted and saved, generated here, or removed. The key goes to this
 * computer's keyring and is never shown again, so the field empties once it is saved.
 */
export function DkimKeyForm({
  keyState,
  onChanged,
}: {
  keyState: KeyState;
  onChanged: (stored: boolean, record: DkimRecord | null) => void;
}) {
  const [pem, setPem] = useState("");
  const [action, setAction] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmReplace, setConfirmReplace] = useState(false);
  const cmd = useCommand();
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const generateRef = useRef<HTMLButtonElement>(null);
  const keep = () => setConfirmReplace(false);

  const perform = async (what: Action, send: () => Promise<Outcome<DkimRecord | null>>) => {
    setAction(what);
    setDone(null);
    setConfirmReplace(false);
    // Storing or removing the key may ask for the password first; the request goes again after.
    const r = await cmd.run(send);
    if (!r) return;
    setAction(null);
    if (r.status === "ok") {
      if (what === "save") setPem("");
      setDone(DONE[what]);
      onChanged(what !== "remove", r.data);
    } else if (r.error.field === "dkimKey") {
      areaRef.current?.focus();
    }
  };

  const keyError = errorFor(cmd.error, "dkimKey");
  const generate = () => void perform("generate", () => commands.generateDkimKey());

  return (
    <div class="dkim-key" data-testid="dkim-key">
      <FieldFrame
        label="Private key"
        hint="Paste the key in PEM form (it begins with -----BEGIN PRIVATE KEY-----), or generate one here."
        error={keyError}
      >
        {(wiring) => (
          <textarea
            {...wiring}
            ref={areaRef}
            name="dkimKey"
            rows={4}
            class="key-input"
            value={pem}
            placeholder={
              keyState === "stored"
                ? "A key is stored on this computer"
                : "-----BEGIN PRIVATE KEY-----"
            }
            spellcheck={false}
            autoComplete="off"
            onInput={(e) => {
              setPem(e.currentTarget.value);
              cmd.clear();
              setDone(null);
            }}
            data-testid="dkim-key-input"
          />
        )}
      </FieldFrame>
      <div class="button-row button-row-start">
        <button
          type="button"
          class="button button-secondary"
          data-testid="dkim-key-save"
          disabled={cmd.busy || pem.trim() === ""}
          onClick={() => void perform("save", () => commands.setDkimKey(pem))}
        >
          {action === "save" ? BUSY.save : "Save key"}
        </button>
        <button
          type="button"
          class="button button-secondary"
          data-testid="dkim-key-generate"
          ref={generateRef}
          disabled={cmd.busy}
          onClick={() => (keyState === "stored" ? setConfirmReplace(true) : generate())}
        >
          {action === "generate" ? BUSY.generate : "Generate a key"}
        </button>
        <button
          type="button"
          class="button button-ghost"
          data-testid="dkim-key-remove"
          disabled={cmd.busy || keyState === "none"}
          onClick={() => void perform("remove", () => commands.setDkimKey(null))}
        >
          {action === "remove" ? BUSY.remove : "Remove key"}
        </button>
      </div>
      {confirmReplace ? (
        // Escape keeps the stored key, and the focus goes back to Generate.
        <div onKeyDown={escapeCloses(generateRef, keep)}>
          <Notice tone="warning" testid="dkim-replace" live={false}>
            <p>
              A new key replaces the stored one. Mail signed with it fails the providers' check
              until its DNS record is published in place of the old one.
            </p>
            <div class="button-row button-row-start">
              <button
                type="button"
                class="button button-primary button-small"
                data-testid="dkim-replace-yes"
                onClick={() => closeTo(generateRef, generate)}
              >
                Replace the key
              </button>
              <button
                type="button"
                class="button button-ghost button-small"
                onClick={() => closeTo(generateRef, keep)}
              >
                Keep the stored key
              </button>
            </div>
          </Notice>
        </div>
      ) : null}
      <div class="message-slot message-slot-tight" role="status" data-testid="dkim-key-status">
        {done ? (
          <Notice tone="success" live={false}>
            <p>{done}</p>
          </Notice>
        ) : null}
      </div>
      {cmd.error && !keyError ? <ErrorAlert error={cmd.error} testid="dkim-error" /> : null}
    </div>
  );
}
