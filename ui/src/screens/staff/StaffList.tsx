import { useEffect, useRef, useState } from "preact/hooks";
import { commands, type SessionInfo, type StaffRow } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { SearchToolbar } from "../../components/SearchToolbar";
import { useDebounced } from "../../hooks";
import { useCommand } from "../../useCommand";
import { useRowFocus } from "../../useRowFocus";
import { StaffCardDialog } from "./StaffCard";
import { StaffTable } from "./StaffTable";

export function StaffList({ session }: { session: SessionInfo }) {
  const [query, setQuery] = useState("");
  const settledQuery = useDebounced(query.trim(), 250);
  const [rows, setRows] = useState<StaffRow[] | null>(null);
  const [openRow, setOpenRow] = useState<StaffRow | null>(null);
  const list = useCommand();
  const wrap = useRef<HTMLDivElement>(null);
  const focus = useRowFocus(wrap, rows?.length ?? 0);

  const load = async (q: string) => {
    const r = await list.run(commands.listStaff(q));
    if (r?.status === "ok") setRows(r.data);
  };

  useEffect(() => {
    void load(settledQuery);
  }, [settledQuery]);
  useEffect(focus.reset, [settledQuery]);

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
      <PageHeader id="staff-title" title="Staff List">
        Open a staff card to send a password reset link or give a one-time code.
      </PageHeader>
      <SearchToolbar
        id="staff-search"
        label="Search staff"
        placeholder="Search by name, username or email"
        value={query}
        onInput={setQuery}
        onKeyDown={focus.onSearchKeyDown}
        testid="staff-search"
        statusTestid="staff-count"
        busy={list.busy}
        status={countText}
      />
      <div class="message-slot message-slot-tight">
        <ErrorAlert error={list.error} />
      </div>
      <div
        class="table-wrap row-list"
        ref={wrap}
        onKeyDown={focus.onKeyDown}
        onFocusIn={focus.onFocusIn}
        data-testid="staff-list"
      >
        <StaffTable rows={rows ?? []} active={focus.active} onOpen={setOpenRow} />
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
