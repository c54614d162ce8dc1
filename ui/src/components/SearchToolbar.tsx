import type { ComponentChildren, TargetedKeyboardEvent } from "preact";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";

/**
 * A list screen's search box, with the live count of what it found beside it; `children`
 * (filters) sit next to the box.
 */
export function SearchToolbar({
  id,
  label,
  placeholder,
  value,
  onInput,
  testid,
  statusTestid,
  busy,
  status,
  onKeyDown,
  children,
}: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  onInput: (value: string) => void;
  testid: string;
  statusTestid: string;
  busy: boolean;
  status: ComponentChildren;
  onKeyDown?: (e: TargetedKeyboardEvent<HTMLInputElement>) => void;
  children?: ComponentChildren;
}) {
  const field = (
    <div class="search-field">
      <label for={id} class="visually-hidden">
        {label}
      </label>
      <Icon name="search" size={18} class="search-icon" />
      <input
        id={id}
        type="search"
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        placeholder={placeholder}
        data-testid={testid}
        autoComplete="off"
        spellcheck={false}
      />
    </div>
  );
  return (
    <div class="toolbar">
      {children ? (
        <div class="toolbar-controls">
          {field}
          {children}
        </div>
      ) : (
        field
      )}
      <p class="toolbar-status" role="status" data-testid={statusTestid}>
        {busy ? <Spinner /> : null}
        <span>{status}</span>
      </p>
    </div>
  );
}
