// The clinic's keys at this workstation in the mock, with the rules of the app's keys commands:
// admins only, the password again for an export or an import, and a file refused unless it holds
// this clinic's keys. The mock's "files" are its paths: the clinic keys file the export writes
// (or one of that name brought on a USB stick), vetdesk-server's key file, another clinic's keys,
// and a text file; any other path cannot be read.
import type { Handlers } from "./handlers";
import type { Clinic } from "./clinic";
import type { DatabaseGuards } from "./database-rules";
import { fail, say } from "./messages";
import { audit } from "./outbox";

type KeysCommands = "clinicKeysStatus" | "exportClinicKeys" | "importClinicKeys";

const CLINIC_FINGERPRINT = "3f9a0c57d21e84b6a7c0e19f5b2d4c88";
const OWN_FINGERPRINT = "c21e0f9b77a4d3e85a6b1c0d94f2e713";
const OTHER_FINGERPRINT = "9b0e4a1f6c3d28e7b5a40f1c6d8e2a93";
const EXPORTED = "/home/frontdesk/.local/share/vetdesk/vetdesk-clinic-keys.key";

type File = "clinic" | "server" | "otherClinic" | "text";

function fileAt(path: string): File | null {
  if (path.endsWith("vetdesk-clinic-keys.key")) return "clinic";
  if (path.endsWith("vetdesk-server-dispatch.key")) return "server";
  if (path.endsWith("other-clinic-keys.key")) return "otherClinic";
  if (path.endsWith(".txt")) return "text";
  return null;
}

const invalid = (message: string): never => fail("invalidInput", message, { field: "path" });

export function keysHandlers(
  c: Clinic,
  { requireAdmin, requireRecentPassword }: DatabaseGuards,
): Pick<Handlers, KeysCommands> {
  const status = () => ({
    holds: c.keysHeld,
    fingerprint: c.keysHeld ? CLINIC_FINGERPRINT : OWN_FINGERPRINT,
  });
  return {
    clinicKeysStatus: () => {
      requireAdmin();
      return status();
    },
    exportClinicKeys: () => {
      requireAdmin();
      requireRecentPassword();
      if (!c.keysHeld) fail("failed", say("keysMissing"));
      audit(c, "clinic_keys_exported", "ok", null, `fingerprint ${CLINIC_FINGERPRINT}`);
      return { path: EXPORTED, fingerprint: CLINIC_FINGERPRINT };
    },
    importClinicKeys: (path) => {
      requireAdmin();
      const trimmed = path.trim();
      if (!trimmed) invalid(say("keysNoPath"));
      const file = fileAt(trimmed);
      if (file === null)
        invalid(say("keysUnreadable", { path: trimmed, detail: "No such file or directory" }));
      if (file === "server") invalid(say("keysServerFile"));
      if (file === "text") invalid(say("keysNotAFile"));
      requireRecentPassword();
      if (file === "otherClinic") {
        audit(c, "clinic_keys_imported", "refused", null, `fingerprint ${OTHER_FINGERPRINT}`);
        invalid(say("keysOtherClinic", { fingerprint: OTHER_FINGERPRINT }));
      }
      audit(c, "clinic_keys_imported", "ok", null, `fingerprint ${CLINIC_FINGERPRINT}`);
      c.keysHeld = true;
      return status();
    },
  };
}
