import { formatFull, formatWhen, isoOf } from "../format";

/** A short, human time with the full timestamp as its tooltip. */
export function When({ ms, now }: { ms: number; now?: number }) {
  return (
    <time dateTime={isoOf(ms)} title={formatFull(ms)}>
      {formatWhen(ms, now)}
    </time>
  );
}
