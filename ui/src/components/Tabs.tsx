export type TabDef<K extends string> = { key: K; label: string; testid?: string };

/** WAI-ARIA tabs: arrow keys move between tabs, Tab moves into the panel. */
export function Tabs<K extends string>({
  tabs,
  active,
  onChange,
  label,
  idBase,
}: {
  tabs: TabDef<K>[];
  active: K;
  onChange: (key: K) => void;
  label: string;
  idBase: string;
}) {
  const onKeyDown = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.key === active);
    let next = -1;
    if (e.key === "ArrowRight") next = (i + 1) % tabs.length;
    else if (e.key === "ArrowLeft") next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onChange(tabs[next].key);
    document.getElementById(`${idBase}-tab-${tabs[next].key}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.key}
          type="button"
          role="tab"
          id={`${idBase}-tab-${t.key}`}
          aria-controls={`${idBase}-panel`}
          aria-selected={t.key === active}
          tabIndex={t.key === active ? 0 : -1}
          class={t.key === active ? "tab tab-active" : "tab"}
          onClick={() => onChange(t.key)}
          data-testid={t.testid}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
