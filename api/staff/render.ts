import type { FastifyReply } from 'fastify';
import type { Classification } from '../../domain/note-content';
import { PORTFOLIO_READERS } from '../../domain/portfolio';
import { hasRole, type Role } from '../../domain/roles';
import { CLASSIFICATION_NAME, ROLE_NAME } from '../../domain/wording';
import { renderPage, sendPage } from '../pages';
import type { StaffMember } from '../staff-session';

/**
 * A staff page: a view of `api/views/staff/` inside the staff layout, which shows who is signed in
 * (name and roles), where they can go, and the classification of what the page shows, above and
 * below it. Rendered on the server through Eta, which escapes every interpolation; no scripts.
 */

export const STAFF_PREFIX = '/app';

interface NavItem {
  href: string;
  label: string;
  /** Shown to holders of one of these roles; to everyone signed in when absent. */
  roles?: Role[];
}
const NAV: NavItem[] = [
  { href: `${STAFF_PREFIX}/`, label: 'Inbox' },
  { href: `${STAFF_PREFIX}/notes`, label: 'Wegingsnotities', roles: ['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor'] },
  { href: `${STAFF_PREFIX}/notes/new`, label: 'New note', roles: ['drafter'] },
  { href: `${STAFF_PREFIX}/consents`, label: 'Consent requests', roles: ['drafter', 'legal', 'head_of_service', 'auditor'] },
  { href: `${STAFF_PREFIX}/partners`, label: 'Partners', roles: ['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor', 'admin'] },
  { href: `${STAFF_PREFIX}/portfolio`, label: 'Portfolio', roles: PORTFOLIO_READERS },
  { href: `${STAFF_PREFIX}/audit`, label: 'Audit trail', roles: ['auditor'] },
  { href: `${STAFF_PREFIX}/people`, label: 'People', roles: ['admin'] },
];

export interface StaffPage {
  title: string;
  /** The view under `api/views/staff/`, e.g. `inbox`. */
  view: string;
  data?: object;
  /** The highest classification of what the page shows; pages without note content are internal. */
  classification?: Classification;
  status?: number;
}

/** The layout's own part of `it`: everything a staff view may read besides its data. */
export function staffContext(member: StaffMember, path: string, classification: Classification = 'departementaal_vertrouwelijk') {
  return {
    member: { name: member.person.name, roles: member.actor.roles.map((role) => ROLE_NAME[role]), via: member.via },
    csrf: member.csrf,
    classification: CLASSIFICATION_NAME[classification],
    nav: NAV.filter((item) => !item.roles || hasRole(member.actor, ...item.roles)).map((item) => ({ ...item, current: item.href === path })),
  };
}

export function sendStaffPage(reply: FastifyReply, member: StaffMember, page: StaffPage): FastifyReply {
  const path = reply.request.url.split('?')[0]!;
  const html = renderPage(`staff/${page.view}`, { ...page.data, title: page.title, staff: staffContext(member, path, page.classification) });
  return sendPage(reply, page.status ?? 200, html);
}
