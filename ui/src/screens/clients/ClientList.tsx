import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ClientFilter, ClientRow } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { SearchToolbar } from "../../components/SearchToolbar";
import { Spinner } from "../../components/Spinner";
import { useDebounced } from "../../hooks";
import { useRowFocus } from "../../useRowFocus";
import { BulkInvite } from "./bulk/BulkInvite";
import { useSelection } from "./bulk/useSelection";
import { ClientProfileDialog } from "./ClientProfile";
import { ClientTable } from "./ClientTable";
import { useClientSearch, type ClientSearch } from "./useClientSearch";
import { useNearEnd } from "./useNearEnd";

const SEARCH_DEBOUNCE_MS = 150;

function statusText(search: ClientSearch, query: string, filter: ClientFilter): string {
  const { rows, hasMore } = search;
  if (rows === null) return "\u00a0";
  const among = filter === "notRegisteredWithEmail" ? " with an email and no portal account" : "";
  if (rows.length === 0) {
    if (query) return `No clients${among} match “${query}”.`;
    return among ? `No clients${among}.` : "No clients yet.";
  }
  const count = `${rows.length}${hasMore ? "+" : ""} client${rows.length === 1 ? "" : "s"}`;
  return `${count}${among}${query ? `${among ? "," : ""} matching “${query}”` : ""}`;
}

/** `canBulkInvite`: office managers and admins also pick clients and invite them in bulk. */
export function ClientList({ canBulkInvite }: { canBulkInvite: boolean }) {
  const [query, setQuery] = useState("");
  const settledQuery = useDebounced(query.trim(), SEARCH_DEBOUNCE_MS);
  const [filter, setFilter] = useState<ClientFilter>("all");
  const [open, setOpen] = useState<ClientRow | null>(null);
  const search = useClientSearch(settledQuery, filter);
  const selection = useSelection();
  const rows = search.rows ?? [];
  const wrap = useRef<HTMLDivElement>(null);
  const marker = useRef<HTMLDivElement>(null);
  const focus = useRowFocus(wrap, rows.length, search.hasMore, search.loadMore);

  useEffect(focus.reset, [settledQuery, filter]);
  useNearEnd(marker, search.hasMore && search.loading === null, rows.length, () => {
    void search.loadMore();
  });
  const openRow = useCallback((row: ClientRow) => setOpen(row), []);

  const status = statusText(search, settledQuery, filter);
  const empty = search.rows !== null && rows.length === 0;

  return (
    <section class="page" aria-labelledby="clients-title">
      <PageHeader id="clients-title" title="Clients">
        Find a client by name, phone, email or pet, then open their profile to invite them to the
        patient portal or send a portal reset link.
      </PageHeader>
      <SearchToolbar
        id="client-search"
        label="Search clients"
        placeholder="Name, phone, email or pet name"
        value={query}
        onInput={setQuery}
        onKeyDown={focus.onSearchKeyDown}
        testid="client-search"
        statusTestid="client-count"
        busy={search.loading === "search"}
        status={status}
      >
        <label class="filter-toggle">
          <input
            type="checkbox"
            checked={filter === "notRegisteredWithEmail"}
            onChange={(e) => setFilter(e.currentTarget.checked ? "notRegisteredWithEmail" : "all")}
            data-testid="client-filter"
          />
          Not registered, has email
        </label>
      </SearchToolbar>
      {canBulkInvite ? (
        <BulkInvite
          shown={rows}
          hasMore={search.hasMore}
          query={settledQuery}
          filter={filter}
          selection={selection}
          onFinished={search.reload}
        />
      ) : null}
      <div class="message-slot message-slot-tight">
        <ErrorAlert error={search.error}>
          {/* Asking again helps when the database did not answer, not when the search is bad. */}
          {search.error?.code !== "invalidInput" ? (
            <p>
              <button
                type="button"
                class="button button-secondary button-small"
                data-testid="client-retry"
                onClick={search.retry}
              >
                Try again
              </button>
            </p>
          ) : null}
        </ErrorAlert>
      </div>
      <div
        class="table-wrap row-list client-table-wrap"
        ref={wrap}
        onKeyDown={focus.onKeyDown}
        onFocusIn={focus.onFocusIn}
        aria-busy={search.loading !== null}
        data-testid="client-list"
      >
        <ClientTable
          rows={rows}
          hasMore={search.hasMore}
          active={focus.active}
          onOpen={openRow}
          selection={canBulkInvite ? selection : undefined}
        />
        {empty ? (
          <p class="empty-state" data-testid="client-empty">
            {status}
            {settledQuery ? " Search by the start of a name, phone number, email or pet name." : ""}
          </p>
        ) : null}
      </div>
      <div class="list-end" ref={marker}>
        {search.hasMore ? (
          // Stays focusable while the page loads, so a keyboard user's place is not lost.
          <button
            type="button"
            class="button button-secondary"
            data-testid="client-load-more"
            aria-disabled={search.loading === "more"}
            onClick={focus.loadMoreAndFocus}
          >
            {search.loading === "more" ? (
              <>
                <Spinner /> Loading more clients…
              </>
            ) : (
              "Load more clients"
            )}
          </button>
        ) : null}
        {!search.hasMore && rows.length > 0 ? (
          <p class="muted" data-testid="client-list-end">
            End of the list.
          </p>
        ) : null}
      </div>
      {open ? (
        <ClientProfileDialog row={open} onChanged={search.update} onClose={() => setOpen(null)} />
      ) : null}
    </section>
  );
}
