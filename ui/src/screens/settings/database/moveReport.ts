import type { MoveReport, MovedTable } from "../../../bindings";
import type { AppNotice } from "../../../notices";

/** The event the desktop shell sends after each batch of rows a move copied. */
export const MOVE_PROGRESS = "move-progress";

/** The clinic's tables in the words of the screens, in the order a report lists them. */
const TABLES: [table: string, label: string][] = [
  ["staff", "Staff"],
  ["clients", "Clients"],
  ["pets", "Pets"],
  ["portal_accounts", "Portal accounts"],
  ["emails", "Emails, sent and waiting"],
  ["audit_events", "Activity"],
  ["bulk_jobs", "Bulk invitations"],
  ["bulk_job_items", "Clients in bulk invitations"],
  ["reset_tokens", "Reset links and codes"],
  ["portal_tokens", "Portal links"],
  ["settings", "Settings"],
  ["limits", "Attempt limits"],
  ["clinic_keys", "Clinic keys"],
];
/** Listed even when none moved: what a person checks first. */
const ALWAYS = new Set(["staff", "clients", "pets", "emails", "audit_events"]);

const labels = new Map(TABLES);

/** A table as the screens name it; one they do not know, as the database does. */
export const tableLabel = (table: string) => labels.get(table) ?? table;

/** "Clients 1,204", for each table that moved something, the main ones always. */
export function movedItems(tables: MovedTable[]): string[] {
  const order = (t: MovedTable) => {
    const at = TABLES.findIndex(([name]) => name === t.table);
    return at < 0 ? TABLES.length : at;
  };
  return [...tables]
    .filter((t) => t.rows > 0 || ALWAYS.has(t.table))
    .sort((a, b) => order(a) - order(b))
    .map((t) => `${tableLabel(t.table)} ${t.rows.toLocaleString("en-US")}`);
}

/** What the sign-in screen says after a move: the back end's words and what moved. */
export function movedNotice(report: MoveReport): AppNotice {
  return {
    text: report.message,
    testid: "move-report",
    tone: "success",
    items: movedItems(report.tables),
    listLabel: "What moved to the server",
  };
}
