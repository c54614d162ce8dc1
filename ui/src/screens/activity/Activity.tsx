import { useEffect, useState } from "preact/hooks";
import { commands, type AuditRow, type EmailRow } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { SearchToolbar } from "../../components/SearchToolbar";
import { Tabs, type TabDef } from "../../components/Tabs";
import { useDebounced } from "../../hooks";
import { useCommand } from "../../useCommand";
import { AuditTable } from "./AuditTable";
import { EmailTable } from "./EmailTable";

type TabKey = "audit" | "emails";

const TABS: TabDef<TabKey>[] = [
  { key: "audit", label: "Audit events", testid: "tab-audit" },
  { key: "emails", label: "Emails", testid: "tab-emails" },
];

export function Activity() {
  const [tab, setTab] = useState<TabKey>("audit");
  const [filter, setFilter] = useState("");
  const settled = useDebounced(filter.trim(), 250);
  const [audit, setAudit] = useState<AuditRow[] | null>(null);
  const [emails, setEmails] = useState<EmailRow[] | null>(null);
  const list = useCommand();

  useEffect(() => {
    void (async () => {
      if (tab === "audit") {
        const r = await list.run(commands.listActivity(settled));
        if (r?.status === "ok") setAudit(r.data);
      } else {
        const r = await list.run(commands.listEmails(settled));
        if (r?.status === "ok") setEmails(r.data);
      }
    })();
  }, [tab, settled]);

  const rows = tab === "audit" ? audit : emails;
  const noun = tab === "audit" ? "event" : "email";
  const count =
    rows === null
      ? "\u00a0"
      : `${rows.length} ${noun}${rows.length === 1 ? "" : "s"}${settled ? ` matching “${settled}”` : ""}`;

  return (
    <section class="page" aria-labelledby="activity-title">
      <PageHeader id="activity-title" title="Activity">
        Every reset request, email and password change, with who did it and where.
      </PageHeader>
      <Tabs label="Activity" idBase="activity" tabs={TABS} active={tab} onChange={setTab} />
      <div
        class="tab-panel"
        role="tabpanel"
        id="activity-panel"
        aria-labelledby={`activity-tab-${tab}`}
      >
        <SearchToolbar
          id="activity-filter"
          label={tab === "audit" ? "Filter audit events" : "Filter emails"}
          placeholder={
            tab === "audit"
              ? "Filter by person, event or outcome"
              : "Filter by recipient, subject or status"
          }
          value={filter}
          onInput={setFilter}
          testid="activity-filter"
          statusTestid="activity-count"
          busy={list.busy}
          status={count}
        />
        <div class="message-slot message-slot-tight">
          <ErrorAlert error={list.error} />
        </div>
        <div class="table-wrap">
          {tab === "audit" && audit ? <AuditTable rows={audit} /> : null}
          {tab === "emails" && emails ? <EmailTable rows={emails} /> : null}
          {rows !== null && rows.length === 0 ? (
            <p class="empty-state">Nothing to show{settled ? ` for “${settled}”` : " yet"}.</p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
