import { TextField } from "../../components/TextField";
import type { Bind } from "./draft";

/** An optional web address: empty turns the feature off. */
export function UrlField({
  label,
  field,
  hint,
  testid,
}: {
  label: string;
  field: ReturnType<Bind>;
  hint: string;
  testid: string;
}) {
  return (
    <TextField
      label={label}
      type="url"
      placeholder="https://"
      hint={hint}
      testid={testid}
      {...field}
    />
  );
}
