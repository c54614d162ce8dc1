import type { Bounds, DkimSettings, MailTransport } from "../../bindings";
import { TextField } from "../../components/TextField";
import { DkimSigning } from "./dkim/DkimSigning";
import type { Bind, Draft } from "./draft";
import { Section } from "./Section";
import { SmtpFields } from "./SmtpFields";
import { ServerKey } from "./ServerKey";
import { TestEmail } from "./TestEmail";

const TRANSPORTS: { value: MailTransport; title: string; text: string }[] = [
  {
    value: "preview",
    title: "Preview outbox",
    text: "Emails are kept in VetDesk to read under Mail preview. Nothing leaves this computer.",
  },
  { value: "smtp", title: "SMTP server", text: "Your email provider or the clinic's mail server." },
];

export function MailSection({
  draft,
  bind,
  update,
  hasPassword,
  port,
  pristine,
  savedDkim,
}: {
  draft: Draft;
  bind: Bind;
  update: (patch: Partial<Draft>) => void;
  hasPassword: boolean;
  port: Bounds;
  pristine: boolean;
  /** The DKIM domain and selector as saved, which the DNS record is for. */
  savedDkim: DkimSettings | null;
}) {
  return (
    <Section
      title="Email delivery"
      description="Reset links, invitations and notices go out through this."
      testid="mail-section"
    >
      <fieldset class="radio-group">
        <legend>Send email with</legend>
        {TRANSPORTS.map((t) => (
          <label class="radio-card" key={t.value}>
            <input
              type="radio"
              name="transport"
              value={t.value}
              checked={draft["mail.transport"] === t.value}
              onChange={() => update({ "mail.transport": t.value })}
              data-testid={`transport-${t.value}`}
            />
            <span>
              <strong>{t.title}</strong>
              <span class="muted">{t.text}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {draft["mail.transport"] === "smtp" ? (
        <SmtpFields
          draft={draft}
          bind={bind}
          update={update}
          hasPassword={hasPassword}
          port={port}
        />
      ) : null}

      <div class="grid-2">
        <TextField label="From name" {...bind("mail.fromName")} testid="from-name" />
        <TextField
          label="From address"
          type="email"
          {...bind("mail.fromAddress")}
          testid="from-address"
        />
        <TextField
          label="Reply-To (optional)"
          type="email"
          {...bind("mail.replyTo")}
          testid="reply-to"
        />
      </div>

      <DkimSigning bind={bind} saved={savedDkim} />

      <TestEmail pristine={pristine} />

      <ServerKey />
    </Section>
  );
}
