import type { PreviewMail } from "../../bindings";
import { Tabs, type TabDef } from "../../components/Tabs";
import { formatFull, isoOf } from "../../format";

export type View = "html" | "text";

const VIEWS: TabDef<View>[] = [
  { key: "html", label: "HTML", testid: "mail-tab-html" },
  { key: "text", label: "Text", testid: "mail-tab-text" },
];

/** One preview email: its headers, and its HTML (sandboxed) or plain-text part. */
export function MailReader({
  mail,
  view,
  onView,
}: {
  mail: PreviewMail;
  view: View;
  onView: (view: View) => void;
}) {
  return (
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
      <Tabs label="Message format" idBase="mail" tabs={VIEWS} active={view} onChange={onView} />
      <div class="mail-body" role="tabpanel" id="mail-panel" aria-labelledby={`mail-tab-${view}`}>
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
  );
}
