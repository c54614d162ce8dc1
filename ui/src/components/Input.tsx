import type { InputHTMLAttributes, LooseInputHTMLAttributes } from "preact";

/**
 * An <input> whose `type` is chosen at run time. Preact's element typings tie each
 * literal `type` to its own attribute set, which a union-typed prop cannot satisfy.
 */
export function Input(props: LooseInputHTMLAttributes<HTMLInputElement>) {
  return <input {...(props as InputHTMLAttributes<HTMLInputElement>)} />;
}
