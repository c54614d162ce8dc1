import { useEffect, useState } from "preact/hooks";
import { commands, type DkimRecord, type DkimSettings } from "../../../bindings";
import { useCommand } from "../../../useCommand";

/** What this screen knows of the key in this computer's keyring. */
export type KeyState = "stored" | "none" | "unknown";

/**
 * The DNS record for the saved DKIM domain and this computer's key, fetched again whenever
 * the saved domain or selector changes. With no domain saved the back end cannot say whether
 * a key is stored, so the key's state is unknown until one is saved or removed here.
 */
export function useDkimRecord(saved: DkimSettings | null) {
  const [record, setRecord] = useState<DkimRecord | null>(null);
  const [key, setKey] = useState<KeyState>("unknown");
  const load = useCommand();
  const savedKey = saved ? `${saved.selector}._domainkey.${saved.domain}` : "";

  useEffect(() => {
    void load.run(commands.dkimRecord()).then((r) => {
      if (r?.status !== "ok") return;
      setRecord(r.data);
      if (r.data) setKey("stored");
      else if (saved) setKey("none");
    });
  }, [savedKey]);

  /** What setDkimKey or generateDkimKey answered: a key is now stored, or (null) removed. */
  const keyChanged = (stored: boolean, next: DkimRecord | null) => {
    setKey(stored ? "stored" : "none");
    setRecord(next);
  };

  return { record, key, error: load.error, keyChanged };
}
