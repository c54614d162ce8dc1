import type {
  ComponentChildren,
  InputHTMLAttributes,
  LooseInputHTMLAttributes,
  RefObject,
  TargetedEvent,
} from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { CommandError } from "../bindings";
import type { Tone } from "../format";
import { CloseIcon, EyeIcon, EyeOffIcon } from "./icons";

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

/** A non-error message announced politely (role=status). */
export function Notice({
  tone = "info",
  testid,
  children,
  live = true,
}: {
  tone?: Tone;
  testid?: string;
  children: ComponentChildren;
  live?: boolean;
}) {
  return (
    <div class={`alert alert-${tone}`} role={live ? "status" : undefined} data-testid={testid}>
      <span class="alert-mark" aria-hidden="true" />
      <div class="alert-body">{children}</div>
    </div>
  );
}

export function Badge({
  tone = "neutral",
  children,
  testid,
}: {
  tone?: Tone;
  children: ComponentChildren;
  testid?: string;
}) {
  return (
    <span class={`badge badge-${tone}`} data-testid={testid}>
      {children}
    </span>
  );
}

/**
 * An <input> whose `type` is chosen at run time. Preact's element typings tie each
 * literal `type` to its own attribute set, which a union-typed prop cannot satisfy.
 */
function Input(props: LooseInputHTMLAttributes<HTMLInputElement>) {
  return <input {...(props as InputHTMLAttributes<HTMLInputElement>)} />;
}

/**
 * The autofocus attribute only works once per page, and each screen here is rendered into
 * the same page, so focus is moved explicitly when a field asks for it.
 */
function useFocusOnMount(
  given: RefObject<HTMLInputElement | null> | undefined,
  focus: boolean | undefined,
): RefObject<HTMLInputElement | null> {
  const own = useRef<HTMLInputElement>(null);
  const ref = given ?? own;
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, []);
  return ref;
}

type FieldProps = {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "email" | "password" | "number" | "url" | "tel" | "search";
  testid?: string;
  hint?: ComponentChildren;
  error?: string | null;
  autoComplete?: string;
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
  inputMode?: "text" | "numeric" | "email" | "url" | "search" | "tel";
  min?: number;
  max?: number;
  spellcheck?: boolean;
  class?: string;
  inputClass?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  name?: string;
};

/** A labelled input with optional hint and field error, wired with aria-describedby. */
export function TextField(p: FieldProps) {
  const ref = useFocusOnMount(p.inputRef, p.autoFocus);
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [p.hint ? hintId : null, p.error ? errId : null].filter(Boolean).join(" ");
  return (
    <div class={p.class ? `field ${p.class}` : "field"}>
      <label for={id}>{p.label}</label>
      <Input
        id={id}
        ref={ref}
        name={p.name}
        class={p.inputClass}
        type={p.type ?? "text"}
        value={p.value}
        onInput={(e) => p.onInput(e.currentTarget.value)}
        data-testid={p.testid}
        autoComplete={p.autoComplete ?? "off"}
        placeholder={p.placeholder}
        required={p.required}
        disabled={p.disabled}
        inputMode={p.inputMode}
        min={p.min}
        max={p.max}
        spellcheck={p.spellcheck ?? false}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {p.hint ? (
        <p class="field-hint" id={hintId}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={errId}>
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

/** A password input with its own show/hide toggle. Paste is always allowed. */
export function PasswordField(
  p: Omit<FieldProps, "type"> & { shown?: boolean; onToggle?: () => void; toggle?: boolean },
) {
  const ref = useFocusOnMount(p.inputRef, p.autoFocus);
  const [ownShown, setOwnShown] = useState(false);
  const shown = p.shown ?? ownShown;
  const toggle = p.onToggle ?? (() => setOwnShown((s) => !s));
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [p.hint ? hintId : null, p.error ? errId : null].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <div class="password-wrap">
        <Input
          id={id}
          ref={ref}
          name={p.name}
          type={shown ? "text" : "password"}
          value={p.value}
          onInput={(e) => p.onInput(e.currentTarget.value)}
          data-testid={p.testid}
          autoComplete={p.autoComplete ?? "off"}
          placeholder={p.placeholder}
          required={p.required}
          disabled={p.disabled}
          spellcheck={false}
          autoCapitalize="off"
          aria-invalid={p.error ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
        {p.toggle === false ? null : (
          <button
            type="button"
            class="icon-button password-toggle"
            onClick={toggle}
            aria-pressed={shown}
            aria-label={shown ? `Hide ${p.label.toLowerCase()}` : `Show ${p.label.toLowerCase()}`}
            title={shown ? "Hide password" : "Show password"}
            disabled={p.disabled}
          >
            {shown ? <EyeOffIcon /> : <EyeIcon />}
          </button>
        )}
      </div>
      {p.hint ? (
        <p class="field-hint" id={hintId}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={errId}>
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A modal built on <dialog>: focus stays inside, Escape closes, and focus returns to
 * whatever opened it.
 */
export function Modal({
  title,
  onClose,
  children,
  size = "md",
  testid,
  footer,
  describedBy,
  initialFocus,
}: {
  title: ComponentChildren;
  onClose: () => void;
  children: ComponentChildren;
  size?: "sm" | "md" | "lg";
  testid?: string;
  footer?: ComponentChildren;
  describedBy?: string;
  initialFocus?: RefObject<HTMLElement | null>;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    if (initialFocus?.current) initialFocus.current.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
    // The dialog opens once per mount; later prop changes do not reopen it.
  }, []);
  const onCancel = (e: TargetedEvent<HTMLDialogElement, Event>) => {
    e.preventDefault();
    onCloseRef.current();
  };
  return (
    <dialog
      ref={ref}
      class={`modal modal-${size}`}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={onCancel}
      data-testid={testid}
    >
      <div class="modal-header">
        <h2 id={titleId} class="modal-title">
          {title}
        </h2>
        <button
          type="button"
          class="icon-button"
          aria-label="Close"
          title="Close"
          data-testid="dialog-close"
          onClick={() => onCloseRef.current()}
        >
          <CloseIcon />
        </button>
      </div>
      <div class="modal-body">{children}</div>
      {footer ? <div class="modal-footer">{footer}</div> : null}
    </dialog>
  );
}

export type TabDef<K extends string> = { key: K; label: string; testid?: string };

/** WAI-ARIA tabs: arrow keys move between tabs, Tab moves into the panel. */
export function Tabs<K extends string>({
  tabs,
  active,
  onChange,
  label,
  idBase,
}: {
  tabs: TabDef<K>[];
  active: K;
  onChange: (key: K) => void;
  label: string;
  idBase: string;
}) {
  const onKeyDown = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.key === active);
    let next = -1;
    if (e.key === "ArrowRight") next = (i + 1) % tabs.length;
    else if (e.key === "ArrowLeft") next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onChange(tabs[next].key);
    document.getElementById(`${idBase}-tab-${tabs[next].key}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.key}
          type="button"
          role="tab"
          id={`${idBase}-tab-${t.key}`}
          aria-controls={`${idBase}-panel`}
          aria-selected={t.key === active}
          tabIndex={t.key === active ? 0 : -1}
          class={t.key === active ? "tab tab-active" : "tab"}
          onClick={() => onChange(t.key)}
          data-testid={t.testid}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** Headings that receive focus when a screen opens, so screen readers announce it. */
export function ScreenHeading({ children, id }: { children: ComponentChildren; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return (
    <h1 class="screen-title" tabIndex={-1} ref={ref} id={id}>
      {children}
    </h1>
  );
}

export function Spinner({ label }: { label?: string }) {
  return <span class="spinner" role={label ? "status" : undefined} aria-label={label} />;
}
