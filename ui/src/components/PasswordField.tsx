import { useState } from "preact/hooks";
import { useFocusOnMount } from "../hooks";
import { FieldFrame } from "./FieldFrame";
import { inputAttributes, type FieldProps } from "./fieldProps";
import { Icon } from "./Icon";
import { Input } from "./Input";

/** A password input with its own show/hide toggle. Paste is always allowed. */
export function PasswordField(
  p: Omit<FieldProps, "type"> & { shown?: boolean; onToggle?: () => void; toggle?: boolean },
) {
  const ref = useFocusOnMount(p.inputRef, p.autoFocus);
  const [ownShown, setOwnShown] = useState(false);
  const shown = p.shown ?? ownShown;
  const toggle = p.onToggle ?? (() => setOwnShown((s) => !s));
  const label = p.label.toLowerCase();
  return (
    <FieldFrame label={p.label} hint={p.hint} error={p.error} class={p.class}>
      {(wiring) => (
        <div class="password-wrap">
          <Input
            {...inputAttributes(p, wiring, ref)}
            type={shown ? "text" : "password"}
            spellcheck={false}
            autoCapitalize="off"
          />
          {p.toggle === false ? null : (
            <button
              type="button"
              class="icon-button password-toggle"
              onClick={toggle}
              aria-pressed={shown}
              aria-label={shown ? `Hide ${label}` : `Show ${label}`}
              title={shown ? "Hide password" : "Show password"}
              disabled={p.disabled}
            >
              <Icon name={shown ? "eyeOff" : "eye"} />
            </button>
          )}
        </div>
      )}
    </FieldFrame>
  );
}
