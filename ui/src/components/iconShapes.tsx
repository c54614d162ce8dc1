import type { JSX } from "preact";

/** The strokes of each icon, drawn on a 24×24 grid by `Icon`. */
export const iconShapes = {
  /** A staff ID card: photo square on the left, text lines on the right. */
  idCard: () => (
    <>
      <rect x="2.5" y="4.5" width="19" height="15" rx="2.5" />
      <circle cx="8.5" cy="10.5" r="2.2" />
      <path d="M5.3 16.2c.6-1.6 1.8-2.4 3.2-2.4s2.6.8 3.2 2.4" />
      <path d="M14.5 9.5h4.5M14.5 12.5h4.5M14.5 15.5h3" />
    </>
  ),
  /**
   * A paw print: four toes fanned over a rounded pad, spaced so they stay apart at 18 px.
   * The brand mark and the paw action (patient-portal email) both use it.
   */
  paw: () => (
    <>
      <path d="M12 12.2c-2.7 0-5.8 3.2-5.8 5.6 0 1.6 1.2 2.5 2.6 2.5 1.3 0 2-.7 3.2-.7s1.9.7 3.2.7c1.4 0 2.6-.9 2.6-2.5 0-2.4-3.1-5.6-5.8-5.6Z" />
      <ellipse cx="4.9" cy="10.4" rx="1.6" ry="2.1" transform="rotate(-25 4.9 10.4)" />
      <ellipse cx="9" cy="5.6" rx="1.7" ry="2.3" transform="rotate(-8 9 5.6)" />
      <ellipse cx="15" cy="5.6" rx="1.7" ry="2.3" transform="rotate(8 15 5.6)" />
      <ellipse cx="19.1" cy="10.4" rx="1.6" ry="2.1" transform="rotate(25 19.1 10.4)" />
    </>
  ),
  eye: () => (
    <>
      <path d="M2 12s3.6-6.5 10-6.5S22 12 22 12s-3.6 6.5-10 6.5S2 12 2 12Z" />
      <circle cx="12" cy="12" r="3" />
    </>
  ),
  eyeOff: () => (
    <>
      <path d="M3 3l18 18" />
      <path d="M10.6 5.6A10.7 10.7 0 0 1 12 5.5c6.4 0 10 6.5 10 6.5a17 17 0 0 1-3.2 3.9" />
      <path d="M6.6 6.7C3.8 8.5 2 12 2 12s3.6 6.5 10 6.5c1.8 0 3.4-.5 4.7-1.2" />
      <path d="M9.9 9.9a3 3 0 0 0 4.2 4.2" />
    </>
  ),
  users: () => (
    <>
      <circle cx="9" cy="8" r="3.2" />
      <path d="M3 19c.8-3.2 3.2-5 6-5s5.2 1.8 6 5" />
      <path d="M15.5 5.2a3.2 3.2 0 0 1 0 5.8M17.5 14.4c1.7.7 3 2.3 3.5 4.6" />
    </>
  ),
  gear: () => (
    <>
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z" />
    </>
  ),
  activity: () => (
    <>
      <path d="M3 12h4l3-8 4 16 3-8h4" />
    </>
  ),
  mail: () => (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3.5 6.5 8.5 6.5 8.5-6.5" />
    </>
  ),
  signOut: () => (
    <>
      <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
      <path d="m16 17 5-5-5-5M21 12H9" />
    </>
  ),
  close: () => (
    <>
      <path d="M6 6l12 12M18 6 6 18" />
    </>
  ),
  search: () => (
    <>
      <circle cx="11" cy="11" r="6.5" />
      <path d="m20 20-4.2-4.2" />
    </>
  ),
  key: () => (
    <>
      <circle cx="7.5" cy="15.5" r="4" />
      <path d="m10.5 12.5 9-9M17 6l2.5 2.5M14.5 8.5 16.5 10.5" />
    </>
  ),
  /** A padlock, closed. */
  lock: () => (
    <>
      <rect x="5" y="10.5" width="14" height="10" rx="2" />
      <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" />
      <path d="M12 14.5v2" />
    </>
  ),
  home: () => (
    <>
      <path d="M3 10.5 12 3l9 7.5" />
      <path d="M5 9.5V21h14V9.5" />
    </>
  ),
  /** A question mark in a circle: Help. */
  help: () => (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M9.6 9.4a2.5 2.5 0 0 1 4.8.9c0 1.7-2.4 2.2-2.4 3.9" />
      <path d="M12 17.2v.1" />
    </>
  ),
  /** A clock face: something waits for its time (an email queued while offline). */
  clock: () => (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3.5 2.2" />
    </>
  ),
  /** The clinic database, crossed out: this computer cannot reach it. */
  databaseOff: () => (
    <>
      <ellipse cx="11" cy="5.5" rx="7" ry="2.5" />
      <path d="M4 5.5v12c0 1.4 3.1 2.5 7 2.5M18 5.5v6" />
      <path d="M4 11.5c0 1.4 3.1 2.5 7 2.5" />
      <path d="m15.5 15.5 5 5M20.5 15.5l-5 5" />
    </>
  ),
} satisfies Record<string, () => JSX.Element>;

export type IconName = keyof typeof iconShapes;
