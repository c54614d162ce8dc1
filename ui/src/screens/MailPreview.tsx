import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api";
import {
  commands,
  type CommandError,
  type PreviewMail,
  type PreviewMailSummary,
} from "../bindings";
import { ErrorAlert, ScreenHeading, Spinner, Tabs } from "../components/ui";
import { formatFull, formatWhen, isoOf } from "../format";
import { useMounted, usePolling } from "../hooks";

type View = "html" | "text";

export function MailPreview() {
  const mounted = useMounted();
  const [list, setList] = useState<PreviewMailSummary[] | null>(null);
  const [listError, setListError] = useState<CommandError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [mail, setMail] = useState<PreviewMail | null>(null);
  const [mailError, setMailError] = useState<CommandError | null>(null);
  const [view, setView] = useState<View>("html");
  const readSeq = useRef(0);

  const loadList = async () => {
    const r = await call(commands.listPreviewMail());
    if (!mounted.current) return;
    if (r.status === "ok") {
      const sorted = [...r.data].sort((a, b) => (b.date ?? 0) - (a.date ?? 0));
      setList(sorted);
      setListError(null);
    } else setListError(r.error);
  };

  useEffect(() => {
    void loadList();
  }, []);
  usePolling(loadList, 5000, true);

  const open = async (id: string) => {
    setSelected(id);
    const mine = ++readSeq.current;
    const r = await call(commands.readPreviewMail(id));
    if (!mounted.current || mine !== readSeq.current) return;
    if (r.status === "ok") {
      setMail(r.data);
      setMailError(null);
      if (r.data.html === null && r.data.text !== null) setView("text");
    } else {
      setMail(null);
      setMailError(r.error);
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
      <div class="page-header">
        <div>
          <ScreenHeading id="preview-title">Mail preview</ScreenHeading>
          <p class="lead">
            Email is set to the preview outbox: messages are kept here instead of being sent. Set up
            SMTP in Settings to deliver them.
          </p>
        </div>
      </div>
      <ErrorAlert error={listError} />
      <div class="mail-layout">
        <div class="mail-list" aria-label="Messages" onKeyDown={onListKey}>
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
          {mailError ? <ErrorAlert error={mailError} /> : null}
          {!mail && !mailError ? <p class="empty-state">Choose a message to read it.</p> : null}
          {mail ? (
            <article class="mail-article" aria-labelledby="mail-subject">
              <header class="mail-head">
                <h2 id="mail-subject" class="mail-subject" data-testid="mail-subject">
                  {mail.subject}
                </h2>
                <dl class="mail-meta">
                  <div>
                    <dt>To</dt>
                    <dd>{mail.to}</dd>
                  </div>
                  <div>
                    <dt>Date</dt>
                    <dd>
                      {mail.date !== null ? (
                        <time dateTime={isoOf(mail.date)}>{formatFull(mail.date)}</time>
                      ) : (
                        <span class="muted">No date</span>
                      )}
                    </dd>
                  </div>
                </dl>
              </header>
              <Tabs
                label="Message format"
                idBase="mail"
                active={view}
                onChange={setView}
                tabs={[
                  { key: "html", label: "HTML", testid: "mail-tab-html" },
                  { key: "text", label: "Text", testid: "mail-tab-text" },
                ]}
              />
              <div
                class="mail-body"
                role="tabpanel"
                id="mail-panel"
                aria-labelledby={`mail-tab-${view}`}
              >
                {view === "html" && mail.html !== null ? (
                  <iframe
                    class="mail-frame"
                    title={`Email: ${mail.subject}`}
                    sandbox=""
                    srcdoc={mail.html}
                    referrerpolicy="no-referrer"
                    data-testid="mail-html"
                  />
                ) : null}
                {view === "html" && mail.html === null ? (
                  <p class="empty-state" data-testid="mail-no-html">
                    This email has no HTML part. See the Text tab.
                  </p>
                ) : null}
                {view === "text" && mail.text !== null ? (
                  <pre class="mail-text" data-testid="mail-text" tabIndex={0}>
                    {mail.text}
                  </pre>
                ) : null}
                {view === "text" && mail.text === null ? (
                  <p class="empty-state" data-testid="mail-no-text">
                    This email has no plain-text part.
                  </p>
                ) : null}
              </div>
            </article>
          ) : null}
        </div>
      </div>
    </section>
  );
}
