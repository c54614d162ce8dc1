import { useEffect, useState } from "preact/hooks";
import { commands, type PreviewMail, type PreviewMailSummary } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { Spinner } from "../../components/Spinner";
import { formatWhen, isoOf } from "../../format";
import { usePolling } from "../../hooks";
import { useCommand } from "../../useCommand";
import { MailReader, type View } from "./MailReader";

export function MailPreview() {
  const [list, setList] = useState<PreviewMailSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [mail, setMail] = useState<PreviewMail | null>(null);
  const [view, setView] = useState<View>("html");
  const listing = useCommand();
  const reading = useCommand();

  const loadList = async () => {
    const r = await listing.run(commands.listPreviewMail());
    if (r?.status === "ok") setList([...r.data].sort((a, b) => (b.date ?? 0) - (a.date ?? 0)));
  };

  useEffect(() => {
    void loadList();
  }, []);
  usePolling(loadList, 5000, true);

  const open = async (id: string) => {
    setSelected(id);
    const r = await reading.run(commands.readPreviewMail(id));
    if (r?.status === "ok") {
      setMail(r.data);
      if (r.data.html === null && r.data.text !== null) setView("text");
    } else if (r) {
      setMail(null);
    }
  };

  const onListKey = (e: KeyboardEvent) => {
    if (!list || list.length === 0) return;
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const i = list.findIndex((m) => m.id === selected);
    const next =
      e.key === "ArrowDown" ? Math.min(list.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
    void open(list[next].id);
    document.getElementById(`mail-item-${next}`)?.focus();
  };

  return (
    <section class="page page-fill" aria-labelledby="preview-title">
      <PageHeader id="preview-title" title="Mail preview">
        Email is set to the preview outbox: messages are kept here instead of being sent. Set up
        SMTP in Settings to deliver them.
      </PageHeader>
      <ErrorAlert error={listing.error} />
      <div class="mail-layout">
        <div class="mail-list" role="group" aria-label="Messages" onKeyDown={onListKey}>
          {list === null ? (
            <p class="muted pad" role="status">
              <Spinner /> Loading…
            </p>
          ) : list.length === 0 ? (
            <p class="empty-state">No emails yet. Reset links and notices will show up here.</p>
          ) : (
            <ul class="mail-items" data-testid="mail-list">
              {list.map((m, i) => (
                <li key={m.id}>
                  <button
                    type="button"
                    id={`mail-item-${i}`}
                    class={m.id === selected ? "mail-item mail-item-active" : "mail-item"}
                    aria-current={m.id === selected ? "true" : undefined}
                    data-testid={`mail-item-${m.id}`}
                    onClick={() => void open(m.id)}
                  >
                    <span class="mail-item-subject">{m.subject}</span>
                    <span class="mail-item-meta">
                      <span class="mail-item-to">{m.to}</span>
                      {m.date !== null ? (
                        <time dateTime={isoOf(m.date)}>{formatWhen(m.date)}</time>
                      ) : null}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="mail-reader" data-testid="mail-reader">
          {reading.error ? <ErrorAlert error={reading.error} /> : null}
          {!mail && !reading.error ? <p class="empty-state">Choose a message to read it.</p> : null}
          {mail ? <MailReader mail={mail} view={view} onView={setView} /> : null}
        </div>
      </div>
    </section>
  );
}
