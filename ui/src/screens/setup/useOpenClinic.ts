import { commands, type AppInfo } from "../../bindings";
import { useCommand } from "../../useCommand";

/**
 * Opens the demo clinic, or goes back from it to the clinic's own database, and hands over what
 * the newly open clinic shows. Either way nobody is signed in afterwards.
 */
export function useOpenClinic(demo: boolean, onOpened: (info: AppInfo) => void) {
  const command = useCommand();
  const open = async () => {
    if (command.busy) return;
    const request = demo ? commands.openDemoClinic() : commands.leaveDemoClinic();
    const r = await command.run(request);
    if (r?.status === "ok") onOpened(r.data);
  };
  return { open, busy: command.busy, error: command.error };
}
