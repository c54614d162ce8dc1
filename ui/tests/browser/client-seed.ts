// The mock clinic's clients: a dozen the tests know by name, then a few hundred made up from
// a fixed seed, so every page load has the same clinic.
import type { PetRow } from "../../src/bindings";
import { MIN, type Clinic, type MockClient, type PortalAccount } from "./clinic";

const DAY = 24 * 60 * MIN;

type Pet = [name: string, species: string, breed: string | null];
type Known = {
  first: string;
  last: string;
  email: string | null;
  phone: string | null;
  address?: string;
  pets: Pet[];
  portal?: PortalAccount["status"];
  /** For an invited client: when their invitation link stops working, from now. */
  inviteLeft?: number;
};

/** The clients the tests name. Ids follow this order, from 1. */
export const KNOWN: Known[] = [
  {
    first: "Maya",
    last: "Brennan",
    email: "maya.brennan@example.com",
    phone: "(555) 010-4477",
    address: "3 Orchard Row, Riverside",
    pets: [
      ["Biscotti", "Dog", "Beagle"],
      ["Paprika", "Cat", null],
    ],
  },
  {
    first: "Tom",
    last: "Hale",
    email: "tom.hale@example.net",
    phone: "555.013.9021",
    pets: [["Juniper", "Cat", "Siamese"]],
    portal: "active",
  },
  // Shares the address that already signs Tom in to the portal.
  {
    first: "Sam",
    last: "Hale",
    email: "tom.hale@example.net",
    phone: "555.013.9021",
    pets: [["Otis", "Dog", "Dachshund"]],
  },
  {
    first: "Grace",
    last: "Whitfield",
    email: null,
    phone: "555-016-3342",
    address: "27 Ferry Road, Riverside",
    pets: [["Pickles", "Rabbit", "Holland Lop"]],
  },
  {
    first: "Lena",
    last: "Ortega",
    email: "lena.ortega@example.org",
    phone: "555 017 2210",
    pets: [["Waffles", "Dog", "Corgi"]],
    portal: "invited",
    inviteLeft: 5 * DAY,
  },
  {
    first: "Omar",
    last: "Sayed",
    email: "omar.sayed@example.com",
    phone: null,
    pets: [["Saffron", "Cat", "Maine Coon"]],
    portal: "locked",
  },
  {
    first: "Zoë",
    last: "Ångström-Núñez",
    email: "zoe.angstrom@example.com",
    phone: "(555) 018-0042",
    pets: [["Mochi", "Cat", "Scottish Fold"]],
  },
  {
    first: "Maximiliana Alexandrina",
    last: "Konstantinopoulou-Wetherington-Fairweather",
    email: "maximiliana.konstantinopoulou-wetherington@example.com",
    phone: "555-019-7781",
    address: "Flat 12, The Old Granary Buildings, 118 Upper Riverside Embankment, Riverside",
    pets: [["Bartholomew", "Tortoise", "Hermann's tortoise"]],
  },
  {
    first: "Ivy",
    last: "Castellano",
    email: "ivy.castellano@example.com",
    phone: "555-011-5060",
    pets: [["<b>HTML</b>", "Dog", "<i>Terrier</i>"]],
  },
  // The seeded invitation in the outbox went to this client.
  {
    first: "Harriet",
    last: "Jones",
    email: "owner.jones@example.com",
    phone: "555-012-8890",
    pets: [["Rolo", "Dog", "Cocker Spaniel"]],
    portal: "invited",
  },
  // Mail to this domain bounces once SMTP is set up.
  {
    first: "Wes",
    last: "Marsh",
    email: "wes.marsh@bounce.example",
    phone: "555-015-6634",
    pets: [["Dingo", "Dog", null]],
    portal: "active",
  },
];

const FIRST =
  "Ava Ben Chloe Daniel Elena Felix Gemma Hugo Isla Jonah Kira Leo Mila Nate Olive Paul Quinn Rosa Seth Tara Uma Victor Wren Yusuf Zara".split(
    " ",
  );
const LAST =
  "Abbott Barker Calloway Dunmore Ellison Fairbanks Garland Holloway Ingram Jarvis Kendrick Lowell Marlow Newbury Oakley Prescott Quimby Radcliffe Sutton Thorne Underwood Vance Winslow Yardley Zimmer".split(
    " ",
  );
const PET_NAMES =
  "Luna Milo Bella Charlie Poppy Scout Ziggy Hazel Clover Bean Maple Pip Nacho Willow Ruby Bramble Fig Tofu Pumpkin Sprout".split(
    " ",
  );
const BREEDS: [string, (string | null)[]][] = [
  ["Dog", ["Labrador Retriever", "Border Collie", "Greyhound", "Poodle", null]],
  ["Cat", ["Domestic Shorthair", "Bengal", "Ragdoll", null]],
  ["Rabbit", ["Lionhead", null]],
  ["Guinea pig", [null]],
  ["Parrot", ["African Grey"]],
];
const DOMAINS = ["example.com", "example.net", "example.org", "mail.example"];
const PHONE_STYLES = [
  (a: string, b: string) => `(555) ${a}-${b}`,
  (a: string, b: string) => `555-${a}-${b}`,
  (a: string, b: string) => `555.${a}.${b}`,
  (a: string, b: string) => `555 ${a} ${b}`,
];
const MADE_UP = 320;

/** A small fixed-seed generator (mulberry32), so the made-up clinic is the same every time. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function madeUp(count: number): Known[] {
  const next = random(20240611);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const digits = (n: number) => String(Math.floor(next() * 10 ** n)).padStart(n, "0");
  const taken = new Set<string>();
  const out: Known[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    let local = `${first}.${last}`.toLowerCase();
    for (let n = 2; taken.has(local); n++) local = `${first}.${last}${n}`.toLowerCase();
    taken.add(local);
    const hasEmail = next() > 0.12;
    const roll = next();
    const pets: Pet[] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
      const [species, breeds] = pick(BREEDS);
      return [pick(PET_NAMES), species, pick(breeds)];
    });
    out.push({
      first,
      last,
      email: hasEmail ? `${local}@${pick(DOMAINS)}` : null,
      // Exchanges 020–099: the known clients' 010–019 stay theirs alone.
      phone:
        next() > 0.08 ? pick(PHONE_STYLES)(`0${20 + Math.floor(next() * 80)}`, digits(4)) : null,
      address: `${1 + Math.floor(next() * 200)} ${pick(LAST)} Street, Riverside`,
      pets,
      portal:
        !hasEmail || roll < 0.55
          ? undefined
          : roll < 0.7
            ? "invited"
            : roll < 0.95
              ? "active"
              : "locked",
      inviteLeft: roll < 0.65 ? (1 + Math.floor(next() * 6)) * DAY : undefined,
    });
  }
  return out;
}

export function seedClients(c: Clinic, t: number) {
  let petId = 1;
  const all = [...KNOWN, ...madeUp(MADE_UP)];
  c.clients = all.map((k, i): MockClient => {
    const id = i + 1;
    if (k.portal && k.email) {
      c.portalAccounts[id] = { username: k.email.toLowerCase(), status: k.portal };
      if (k.portal === "invited" && k.inviteLeft)
        c.portalLinks[id] = { invitation: true, expiresAt: t + k.inviteLeft };
    }
    const pets = k.pets.map(([name, species, breed]): PetRow => ({
      id: petId++,
      name,
      species,
      breed,
    }));
    return {
      id,
      firstName: k.first,
      lastName: k.last,
      email: k.email,
      phone: k.phone,
      address: k.address ?? null,
      pets,
    };
  });
  linkSeededInvitation(c);
}

/** The outbox's seeded invitation (still retrying) is the last portal email of its client. */
function linkSeededInvitation(c: Clinic) {
  const invite = c.emails.find((e) => e.kind === "portal_invite");
  const client = c.clients.find((x) => x.email === invite?.recipient);
  if (!invite || !client) return;
  c.portalEmails[client.id] = invite.id;
  c.portalLinks[client.id] = { invitation: true, expiresAt: invite.createdAt + 7 * DAY };
}
