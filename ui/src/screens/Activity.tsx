import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api";
import { commands, type AuditRow, type CommandError, type EmailRow } from "../bindings";
import { SearchIcon } from "../components/icons";
import { Badge, ErrorAlert, ScreenHeading, Spinner, Tabs } from "../components/ui";
import {
  emailStatusLabels,
  emailStatusTone,
  formatFull,
  formatWhen,
  humanizeAction,
  isoOf,
  outcomeTone,
} from "../format";
import { useDebounced, useMounted } from "../hooks";

type TabKey = "audit" | "emails";

function When({ ms }: { ms: number }) {
  return (
    <time dateTime={isoOf(ms)} title={formatFull(ms)}>
      {formatWhen(ms)}
    </time>
  );
}

function AuditTable({ rows }: { rows: AuditRow[] }) {
  return (
    <table class="table table-dense" data-testid="audit-table">
      <caption class="visually-hidden">Audit events</caption>
      <thead>
        <tr>
          <th scope="col">When and where</th>
          <th scope="col">Event</th>
          <th scope="col">By</th>
          <th scope="col">For</th>
          <th scope="col">Outcome</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td class="nowrap">
              <When ms={r.at} />
              <span class="cell-sub mono-soft">{r.workstation}</span>
            </td>
            <td>{humanizeAction(r.action)}</td>
            <td>{r.actor ?? <span class="muted">—</span>}</td>
            <td>{r.subject ?? <span class="muted">—</span>}</td>
            <td>
              <Badge tone={outcomeTone(r.outcome)}>{r.outcome}</Badge>
            </td>
            <td class="cell-detail">{r.detail ?? <span class="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EmailTable({ rows }: { rows: EmailRow[] }) {
  return (
    <table class="table table-dense" data-testid="email-table">
      <caption class="visually-hidden">Emails</caption>
      <thead>
        <tr>
          <th scope="col">Created</th>
          <th scope="col">To</th>
          <th scope="col">Subject</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">
            Attempts
          </th>
          <th scope="col">Sent</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td class="nowrap">
              <When ms={r.createdAt} />
            </td>
            <td>{r.recipient}</td>
            <td>
              <span class="cell-subject">{r.subject}</span>
              <span class="muted cell-kind">{humanizeAction(r.kind)}</span>
            </td>
            <td>
              <Badge tone={emailStatusTone[r.status]} testid={`email-status-${r.id}`}>
                {emailStatusLabels[r.status]}
              </Badge>
              {r.lastError ? <span class="cell-error">{r.lastError}</span> : null}
            </td>
            <td class="num">{r.attempts}</td>
            <td class="nowrap">
              {r.sentAt !== null ? <When ms={r.sentAt} /> : <span class="muted">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Activity() {
  const mounted = useMounted();
  const [tab, setTab] = useState<TabKey>("audit");
  const [filter, setFilter] = useState("");
  const settled = useDebounced(filter.trim(), 250);
  const [audit, setAudit] = useState<AuditRow[] | null>(null);
  const [emails, setEmails] = useState<EmailRow[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const seq = useRef(0);

  const load = async (which: TabKey, q: string) => {
    const mine = ++seq.current;
    setLoading(true);
    if (which === "audit") {
      const r = await call(commands.listActivity(q));
      if (!mounted.current || mine !== seq.current) return;
      if (r.status === "ok") setAudit(r.data);
      setError(r.status === "error" ? r.error : null);
    } else {
      const r = await call(commands.listEmails(q));
      if (!mounted.current || mine !== seq.current) return;
      if (r.status === "ok") setEmails(r.data);
      setError(r.status === "error" ? r.error : null);
    }
    setLoading(false);
  };

  useEffect(() => {
    void load(tab, settled);
  }, [tab, settled]);

  const rows = tab === "audit" ? audit : emails;
  const noun = tab === "audit" ? "event" : "email";
  const count =
    rows === null
      ? "\u00a0"
      : `${rows.length} ${noun}${rows.length === 1 ? "" : "s"}${settled ? ` matching “${settled}”` : ""}`;

  return (
    <section class="page" aria-labelledby="activity-title">
      <div class="page-header">
        <div>
          <ScreenHeading id="activity-title">Activity</ScreenHeading>
          <p class="lead">
            Every reset request, email and password change, with who did it and where.
          </p>
        </div>
      </div>
      <Tabs
        label="Activity"
        idBase="activity"
        active={tab}
        onChange={setTab}
        tabs={[
          { key: "audit", label: "Audit events", testid: "tab-audit" },
          { key: "emails", label: "Emails", testid: "tab-emails" },
        ]}
      />
      <div
        class="tab-panel"
        role="tabpanel"
        id="activity-panel"
        aria-labelledby={`activity-tab-${tab}`}
      >
        <div class="toolbar">
          <div class="search-field">
            <label for="activity-filter" class="visually-hidden">
              {tab === "audit" ? "Filter audit events" : "Filter emails"}
            </label>
            <SearchIcon size={18} class="search-icon" />
            <input
              id="activity-filter"
              type="search"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
              placeholder={
                tab === "audit"
                  ? "Filter by person, event or outcome"
                  : "Filter by recipient, subject or status"
              }
              data-testid="activity-filter"
              autoComplete="off"
              spellcheck={false}
            />
          </div>
          <p class="toolbar-status" role="status" data-testid="activity-count">
            {loading ? <Spinner /> : null}
            <span>{count}</span>
          </p>
        </div>
        <div class="message-slot message-slot-tight">
          <ErrorAlert error={error} />
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
