import { useRef, useState } from "preact/hooks";
import { FieldFrame } from "./FieldFrame";

/**
 * A read-only value with a button that copies it. Where the clipboard is refused (no
 * permission, an older webview), the text is selected instead, for Ctrl+C.
 */
export function CopyField({
  label,
  value,
  copyLabel,
  multiline = false,
  testid,
}: {
  label: string;
  value: string;
  copyLabel: string;
  multiline?: boolean;
  testid: string;
}) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [said, setSaid] = useState("");

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setSaid("Copied.");
    } catch {
      ref.current?.focus();
      ref.current?.select();
      setSaid("Selected: press Ctrl+C (⌘C on a Mac) to copy.");
    }
  };

  return (
    <FieldFrame label={label} class="copy-field">
      {(wiring) => (
        <>
          <div class="copy-row">
            {multiline ? (
              <textarea
                {...wiring}
                ref={ref}
                readOnly
                rows={5}
                value={value}
                spellcheck={false}
                data-testid={testid}
              />
            ) : (
              <input
                {...wiring}
                ref={ref}
                type="text"
                readOnly
                value={value}
                spellcheck={false}
                data-testid={testid}
              />
            )}
            <button
              type="button"
              class="button button-secondary button-small"
              data-testid={`${testid}-copy`}
              onClick={() => void copy()}
            >
              {copyLabel}
            </button>
          </div>
          <p class="field-hint" role="status" data-testid={`${testid}-copied`}>
            {said}
          </p>
        </>
      )}
    </FieldFrame>
  );
}
