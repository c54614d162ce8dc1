import type { ButtonHTMLAttributes, ComponentChildren } from "preact";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "children"> & {
  busy: boolean;
  /** What the button says while its command runs. */
  busyLabel: string;
  testid?: string;
  children: ComponentChildren;
};

/** A button that is disabled, and says what is happening, while its command runs. */
export function BusyButton({ busy, busyLabel, testid, disabled, children, ...button }: Props) {
  return (
    <button
      type="submit"
      {...button}
      data-testid={testid}
      disabled={busy || Boolean(disabled)}
      aria-busy={busy}
    >
      {busy ? busyLabel : children}
    </button>
  );
}
