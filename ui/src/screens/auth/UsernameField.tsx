import { TextField } from "../../components/TextField";
import { useTextInput } from "../../hooks";

export const NO_USERNAME = "Enter your username.";

type Username = ReturnType<typeof useTextInput> & { autoFocus: boolean };

/** The username a screen starts with; the field after it takes the focus when one is given. */
export function useUsername(initial: string): Username {
  return { ...useTextInput(initial), autoFocus: !initial };
}

/** The username box of the sign-in and reset-code screens. */
export function UsernameField(p: Username & { testid: string }) {
  return <TextField label="Username" name="username" autoComplete="username" {...p} />;
}
