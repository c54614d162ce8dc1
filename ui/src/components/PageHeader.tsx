import type { ComponentChildren } from "preact";
import { ScreenHeading } from "./ScreenHeading";

/** A signed-in screen's title, with the sentence under it that says what the screen is for. */
export function PageHeader({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ComponentChildren;
}) {
  return (
    <div class="page-header">
      <div>
        <ScreenHeading id={id}>{title}</ScreenHeading>
        <p class="lead">{children}</p>
      </div>
    </div>
  );
}
