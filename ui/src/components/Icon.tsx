import { iconShapes, type IconName } from "./iconShapes";

/** A stroked line icon, hidden from assistive technology: its button or text names it. */
export function Icon({
  name,
  size = 20,
  class: cls,
}: {
  name: IconName;
  size?: number;
  class?: string;
}) {
  const Shape = iconShapes[name];
  return (
    <svg
      class={cls ? `icon ${cls}` : "icon"}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <Shape />
    </svg>
  );
}
