import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api";
import { commands, type CommandError, type SessionInfo, type StaffRow } from "../bindings";
import { IdCardIcon, SearchIcon } from "../components/icons";
import { Badge, ErrorAlert, ScreenHeading, Spinner } from "../components/ui";
import { roleLabel } from "../format";
import { useDebounced, useMounted } from "../hooks";
import { StaffCardDialog } from "./StaffCard";

export function StaffList({ session }: { session: SessionInfo }) {
  const mounted = useMounted();
  const [query, setQuery] = useState("");
  const settledQuery = useDebounced(query.trim(), 250);
  const [rows, setRows] = useState<StaffRow[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [openRow, setOpenRow] = useState<StaffRow | null>(null);
  const seq = useRef(0);

  const load = async (q: string) => {
    const mine = ++seq.current;
    setLoading(true);
    const r = await call(commands.listStaff(q));
    if (!mounted.current || mine !== seq.current) return;
    setLoading(false);
    if (r.status === "ok") {
      setRows(r.data);
      setError(null);
    } else {
      setError(r.error);
    }
  };

  useEffect(() => {
    void load(settledQuery);
  }, [settledQuery]);

  const countText =
    rows === null
      ? "\u00a0"
      : rows.length === 0
        ? settledQuery
          ? `No staff match “${settledQuery}”.`
          : "No staff yet."
        : `${rows.length} staff member${rows.length === 1 ? "" : "s"}${settledQuery ? ` matching “${settledQuery}”` : ""}`;

  return (
    <section class="page" aria-labelledby="staff-title">
      <div class="page-header">
        <div>
          <ScreenHeading id="staff-title">Staff List</ScreenHeading>
          <p class="lead">
            Open a staff card to send a password reset link or give a one-time code.
          </p>
        </div>
      </div>
      <div class="toolbar">
        <div class="search-field">
          <label for="staff-search" class="visually-hidden">
            Search staff
          </label>
          <SearchIcon size={18} class="search-icon" />
          <input
            id="staff-search"
            type="search"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
            placeholder="Search by name, username or email"
            data-testid="staff-search"
            autoComplete="off"
            spellcheck={false}
          />
        </div>
        <p class="toolbar-status" role="status" data-testid="staff-count">
          {loading ? <Spinner /> : null}
          <span>{countText}</span>
        </p>
      </div>
      <div class="message-slot message-slot-tight">
        <ErrorAlert error={error} />
      </div>
      <div class="table-wrap">
        <table class="table" data-testid="staff-table">
          <caption class="visually-hidden">Staff members</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Email</th>
            </tr>
          </thead>
          <tbody>
            {(rows ?? []).map((s) => (
              <tr key={s.id} data-testid={`staff-row-${s.id}`}>
                <td>
                  <div class="name-cell">
                    <button
                      type="button"
                      class="icon-button id-card-button"
                      aria-label={`Open staff card for ${s.displayName}`}
                      title="Open staff card"
                      data-testid={`staff-card-${s.id}`}
                      onClick={() => setOpenRow(s)}
                    >
                      <IdCardIcon size={22} />
                    </button>
                    <span class="name-text">{s.displayName}</span>
                    {s.status === "disabled" ? <Badge tone="neutral">Disabled</Badge> : null}
                  </div>
                </td>
                <td class="mono-soft">{s.username}</td>
                <td>{roleLabel(s.role)}</td>
                <td>{s.email ?? <span class="muted">No email on file</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows !== null && rows.length === 0 ? <p class="empty-state">{countText}</p> : null}
      </div>
      {openRow ? (
        <StaffCardDialog
          row={openRow}
          session={session}
          onClose={() => {
            setOpenRow(null);
            void load(settledQuery);
          }}
        />
      ) : null}
    </section>
  );
}
